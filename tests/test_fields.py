import pytest
from django.core.exceptions import ValidationError

from safetyplan.fields import SafeModelChoiceField, SafeModelMultipleChoiceField
from units.models import Unit


@pytest.mark.parametrize("field_class", [SafeModelChoiceField, SafeModelMultipleChoiceField])
def test_an_id_past_64_bits_is_an_invalid_choice_not_a_crash(db, unit_a, field_class):
    field = field_class(queryset=Unit.objects.all())
    value = "9" * 25
    with pytest.raises(ValidationError) as err:
        field.clean([value] if field_class is SafeModelMultipleChoiceField else value)
    assert err.value.code == "invalid_choice"


def test_a_real_id_still_chooses(db, unit_a):
    assert SafeModelChoiceField(queryset=Unit.objects.all()).clean(str(unit_a.pk)) == unit_a
