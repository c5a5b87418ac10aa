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
    # A callable giving the rows (pk, *label_fields) instead of querying: when two fields of a
    # page list the same thousands of units, they are read once (tasks.forms_measures.UnitRows).
    rows = None

    def label_from_row(self, *values) -> str:
        return str(values[0])

    def raw_rows(self) -> list[tuple]:
        """(pk, *label_fields) of every choice."""
        if self.rows is not None:
            return self.rows()
        return list(self.queryset.values_list("pk", *self.label_fields))

    def label_key(self) -> tuple:
        """All the labels depend on besides the rows (safetyplan.widgets keeps the labels of
        rows it has seen under this key)."""
        return (type(self), getattr(self, "empty_label", None))

    def choice_rows(self, raw: list[tuple] | None = None):
        if getattr(self, "empty_label", None) is not None:
            yield "", self.empty_label
        for pk, *values in self.raw_rows() if raw is None else raw:
            yield pk, self.label_from_row(*values)


class PlaceNamedRows(NamedRows):
    """Units (or groups) named with their jurisdiction too when it is not ``home``, the user's
    own: a city has a 城关镇 in every county."""

    label_fields = ("name", "jurisdiction_id", "jurisdiction__name")
    home = None

    def label_from_instance(self, obj) -> str:
        return self.label_from_row(obj.name, obj.jurisdiction_id, obj.jurisdiction.name)

    def label_key(self) -> tuple:
        return (*super().label_key(), None if self.home is None else self.home.pk)

    def label_from_row(self, name, jurisdiction_id, jurisdiction_name) -> str:
        if self.home is not None and jurisdiction_id != self.home.pk:
            return f"{name}（{jurisdiction_name}）"
        return name


class PlaceModelChoiceField(PlaceNamedRows, SafeModelChoiceField):
    def __init__(self, *args, home=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.home = home


class PlaceModelChoiceFilter(SafeModelChoiceFilter):
    field_class = PlaceModelChoiceField


class NamedModelChoiceField(NamedRows, SafeModelChoiceField):
    pass


class NamedModelChoiceFilter(SafeModelChoiceFilter):
    field_class = NamedModelChoiceField
