"""Widgets for choices by the thousand: a province's units in a filter or the bulk panel.

Django renders a template per option or box, and format_html per item is not much cheaper
(0.3 s a page for 4,800 units); these build the same markup with plain escaping. The inputs
below build django/forms/widgets/input.html the same way: a page with a dozen small widgets
spent a tenth of its time in their templates.
"""

from __future__ import annotations

from html import escape

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: `` name="value"`` each, `` name`` for True, nothing
    for False (None is written "None", as the template does)."""
    return "".join(
        f" {conditional_escape(key)}"
        if value is True
        else f' {conditional_escape(key)}="{conditional_escape(str(value))}"'
        for key, value in attrs.items()
        if value is not False
    )


def _choices(widget: forms.Widget) -> list[tuple[str, str]]:
    rows = getattr(getattr(widget.choices, "field", None), "choice_rows", None)  # fields.NamedRows
    pairs = rows() if rows is not None else widget.choices
    # ModelChoiceIteratorValue → its pk; labels may be lazy or numbers.
    return [(escape(str(getattr(o, "value", o))), escape(str(label))) for o, label in pairs]


class ManyCheckboxes(forms.CheckboxSelectMultiple):
    """``<label><input type="checkbox"> name</label>`` per choice."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = {escape(v) for v in self.format_value(value)}
        name, base = escape(name), escape((attrs or {}).get("id") or f"id_{name}")
        return mark_safe(
            "".join(
                f'<label><input type="checkbox" name="{name}" value="{v}" id="{base}_{i}"'
                f"{' checked' if v in chosen else ''}> {label}</label>"
                for i, (v, label) in enumerate(_choices(self))
            )
        )


class ManyOptionsSelect(forms.Select):
    """``<select>`` with one ``<option>`` per choice (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = {escape(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{v}"{" selected" if v in chosen else ""}>{label}</option>'
            for v, label in _choices(self)
        )
        final = attrs_html(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{conditional_escape(name)}"{final}>{options}</select>')


class FastInputMixin:
    """django/forms/widgets/input.html, built in Python."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = (
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(name)}"'
        )
        if widget["value"] is not None:
            html += f' value="{conditional_escape(str(widget["value"]))}"'
        return mark_safe(f"{html}{attrs_html(widget['attrs'])}>")


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    pass


class FastHiddenInput(FastInputMixin, forms.HiddenInput):
    pass
