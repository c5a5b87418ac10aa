"""Widgets for choices by the thousand: a province's units in a filter or the bulk panel.

Django renders a template per option or box, and format_html per item is not much cheaper
(0.3 s a page for 4,800 units); these build the same markup with plain escaping. The inputs
below build django/forms/widgets/input.html the same way: a page with a dozen small widgets
spent a tenth of its time in their templates.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from html import escape

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from safetyplan.fields import NamedRows


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


MAX_LABELLED = 64
_labelled: OrderedDict[tuple, list[tuple[str, str]]] = OrderedDict()
_lock = threading.Lock()


@lru_cache(maxsize=2**16)
def _escaped(text: str) -> str:
    # The same few thousand unit names on every page of a province's office: escaping each
    # again was a fifth of the 措施台账's time.
    return escape(text)


def _choices(widget: forms.Widget) -> list[tuple[str, str]]:
    field = getattr(widget.choices, "field", None)
    if isinstance(field, NamedRows):
        raw = field.raw_rows()
        # Keyed by every row read (and what else the labels depend on): never stale, and a
        # province's 4,800 units are labelled and escaped once, not on every page.
        key = (field.label_key(), tuple(raw))
        with _lock:
            found = _labelled.get(key)
            if found is not None:
                _labelled.move_to_end(key)
                return found
        found = _escape_pairs(field.choice_rows(raw))
        with _lock:
            _labelled[key] = found
            while len(_labelled) > MAX_LABELLED:
                _labelled.popitem(last=False)
        return found
    return _escape_pairs(widget.choices)


def _escape_pairs(pairs) -> list[tuple[str, str]]:
    out = []
    for option, label in pairs:
        value = getattr(option, "value", option)  # ModelChoiceIteratorValue → its pk
        # An int's digits need no escaping; labels may be lazy or numbers.
        out.append(
            (
                str(value) if type(value) is int else _escaped(str(value)),
                _escaped(label) if type(label) is str else escape(str(label)),
            )
        )
    return out


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
