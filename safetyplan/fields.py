"""Choice fields that refuse an id no database column can hold (SQLite raises OverflowError on
integers past 64 bits instead of finding nothing): a clear "invalid choice", never a 500."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

MAX_ID_DIGITS = 18


def _fits(value) -> bool:
    text = str(value).strip()
    return not text.isdigit() or len(text) <= MAX_ID_DIGITS


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _fits(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for v in value:
            if not _fits(v):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(v)[:20]},
                )
        return super()._check_values(value)


class SafeModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SafeModelChoiceField
