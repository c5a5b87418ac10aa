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


class NamedRows:
    """Choices read as rows, without a model instance per option: a province has thousands of
    units, and building each one cost more than the rest of the page. ``label_fields`` are read
    beside the pk and passed to ``label_from_row``, which must give what
    ``label_from_instance`` gives (the object's name, by default)."""

    label_fields: tuple[str, ...] = ("name",)

    def label_from_row(self, *values) -> str:
        return str(values[0])

    def choice_rows(self):
        if getattr(self, "empty_label", None) is not None:
            yield "", self.empty_label
        for pk, *values in self.queryset.values_list("pk", *self.label_fields):
            yield pk, self.label_from_row(*values)


class NamedModelChoiceField(NamedRows, SafeModelChoiceField):
    pass


class NamedModelChoiceFilter(SafeModelChoiceFilter):
    field_class = NamedModelChoiceField
