"""A django-tables2 table as HTML, built in Python: the markup of ``django_tables2/table.html``.

django-tables2 renders each cell through the template engine and inspects the signature of
each column's ``render`` on every cell: for a 50-row page of eight columns that is most of
the page's time. This renderer walks the same bound columns and rows, calls the same
``render_*`` methods, ``TemplateColumn`` templates and ``linkify``, and writes the same
markup (``tests/test_table_html.py`` compares the two on every table of the product), but
looks up each signature and each column's static attributes once per table.
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from html import escape as _escape
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext
from django_tables2 import Table
from django_tables2.columns import BoundColumn, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import A, AttributeDict


@lru_cache(maxsize=1024)
def _signature(function, bound: bool) -> tuple[tuple[str, ...], bool]:
    """The argument names of a render function, and whether it takes ``**kwargs``."""
    names, catch_all = [], False
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind == parameter.VAR_KEYWORD:
            catch_all = True
        elif parameter.kind != parameter.VAR_POSITIONAL:
            names.append(parameter.name)
    return tuple(names[1:] if bound else names), catch_all  # a method's ``self`` is bound


def _call(method, kwargs: dict):
    """django_tables2.utils.call_with_appropriate, with the signature looked up once.

    Keyed on the plain function: a bound method is a new object on every attribute access."""
    function = getattr(method, "__func__", None)
    names, catch_all = _signature(function, True) if function else _signature(method, False)
    if not catch_all:
        if any(name not in kwargs for name in names):
            return None
        kwargs = {name: kwargs[name] for name in names}
    return method(**kwargs)


def _has_callables(attrs: dict) -> bool:
    return any(callable(value) for value in attrs.values())


class _Column:
    """What one bound column needs per cell, worked out once per table."""

    def __init__(self, table: Table, bound: BoundColumn):
        self.bound = bound
        self.column = bound.column
        self.name = bound.name
        self.accessor = A(bound.accessor)
        self.default = bound.default
        self.link = bound.link
        self.render = bound.render
        self.empty_values = self.column.empty_values
        self.many = isinstance(self.column, ManyToManyColumn)
        self.link_text = isinstance(self.column, BaseLinkColumn) and self.column.text is not None
        self.localize = self.column.localize
        raw = dict(table.attrs)
        raw.update(dict(self.column.attrs))
        td = raw.get("td", raw.get("cell", {}))
        self.td_static = not _has_callables(td)
        # attrs of a column with callables depend on the record and value: worked out per cell
        self.td_html = bound.attrs["td"].as_html() if self.td_static else None
        self.fields: dict[type, models.Field | None] = {}
        # A render method that reads only the record, in a column where no value is "empty":
        # looking the value up (a choice's label, say) would change nothing.
        function = getattr(self.render, "__func__", None)
        names, catch_all = (
            _signature(function, True) if function else _signature(self.render, False)
        )
        self.skips_value = not (
            self.empty_values or self.many or self.link or self.link_text or catch_all
        ) and ("value" not in names)
        # The render method's arguments, when they are all among those _render offers: passed
        # by name without building every argument and matching them per cell.
        offered = not catch_all and all(name in _OFFERED for name in names)
        self.render_names = names if offered and not self.link else None

    def field(self, model: type[models.Model], name: str):
        if model not in self.fields:
            try:
                self.fields[model] = model._meta.get_field(name)
            except FieldDoesNotExist:
                self.fields[model] = None
        return self.fields[model]


def _cell(table: Table, row, column: _Column) -> object:
    """BoundRow.get_cell: the value through its accessor (``get_FOO_display`` for choices),
    the column's default when empty, else the column's (or the table's) render method."""
    if column.skips_value:
        return _render(table, row, column, None)
    record = row.record
    value = None
    remainder: str | None
    penultimate, remainder = column.accessor.penultimate(record)
    if isinstance(penultimate, models.Model):
        field = column.field(type(penultimate), remainder)
        display = getattr(penultimate, f"get_{remainder}_display", None)
        if field is not None and getattr(field, "choices", ()) and display:
            value, remainder = display(), None
    if remainder:
        try:
            value = column.accessor.resolve(record)
        except Exception:
            if column.link_text:
                return _render(table, row, column, None)
    if value in column.empty_values or (column.many and not value.exists()):
        return column.default
    return _render(table, row, column, value)


_OFFERED = ("value", "record", "column", "bound_column", "bound_row", "table")


def _render(table: Table, row, column: _Column, value) -> object:
    names = column.render_names
    if names is not None:
        if names == ("record",):  # most render methods
            return column.render(record=row.record)
        offered = {"value": value, "record": row.record, "column": column.column,
                   "bound_column": column.bound, "bound_row": row, "table": table}  # fmt: skip
        return column.render(**{name: offered[name] for name in names})
    kwargs = {
        "value": value,
        "record": row.record,
        "column": column.column,
        "bound_column": column.bound,
        "bound_row": row,
        "table": table,
    }
    content = _call(column.render, kwargs)
    return column.link(content, **kwargs) if column.link else content


def _text(value, column: _Column, context: Context) -> str:
    """``{{ cell }}``, ``{{ cell|localize }}`` or ``{{ cell|unlocalize }}`` as in table.html."""
    if column.localize is None:
        # What render_value_in_context does to markup and text, without its localization
        # steps, which leave both unchanged.
        if isinstance(value, SafeData):
            return value
        if type(value) is str:
            return _escape(value)  # django's escape, without its lazy-string wrapper
        return render_value_in_context(value, context)
    return conditional_escape(str(localize(value, use_l10n=bool(column.localize))))


def _query(request, updates: dict) -> str:
    params = dict(request.GET)
    for key, value in updates.items():
        if key not in ("", None):
            params[key] = value
    return escape("?" + urlencode(params, doseq=True))


def _page_range(page, paginator) -> list:
    """django_tables2's ``table_page_range`` filter."""
    page_range = getattr(settings, "DJANGO_TABLES2_PAGE_RANGE", 10)
    num_pages = paginator.num_pages
    if num_pages <= page_range:
        return list(range(1, num_pages + 1))
    start = max(page.number - int(page_range / 2), 1)
    end = start + page_range
    if end > num_pages:
        start, end = num_pages - page_range + 1, num_pages + 1
    pages: list = list(range(start, end))
    if 1 not in pages:
        pages = [1, "...", *pages[2:]]
    if num_pages not in pages:
        pages = [*pages[:-2], "...", num_pages]
    return pages


def _computed(attrs: dict, kwargs: dict) -> dict:
    """django_tables2.utils.computed_values, with the signatures looked up once."""
    out = {}
    for key, value in attrs.items():
        if callable(value):
            value = _call(value, kwargs)
        out[key] = _computed(value, kwargs) if isinstance(value, dict) else value
    return out


def _attr(value) -> str:
    """``conditional_escape`` without the lazy-string wrapper: a row's attributes, every row."""
    return value.__html__() if hasattr(value, "__html__") else _escape(str(value))


def _row_attrs(table: Table, row) -> str:
    """BoundRow.attrs: the table's ``row_attrs`` for this record, and "even" or "odd"; written
    as ``AttributeDict.as_html`` writes them."""
    attrs = _computed(table.row_attrs, {"table": table, "record": row.record})
    parity = row.get_even_odd_css_class()
    attrs["class"] = f"{attrs['class']} {parity}" if attrs.get("class") else parity
    return " ".join(
        f'{_attr(key)}="{_attr(value)}"'
        for key, value in attrs.items()
        if key not in AttributeDict.blacklist and value is not None
    )


def render_table(table: Table, context: Context) -> SafeString:
    """The whole table and its page links, as ``{% render_table table %}`` would write them."""
    request = context.get("request")
    table.context = context  # TemplateColumn renders within the page's context
    table.before_render(request)
    try:
        return mark_safe("".join(_parts(table, request, context)))
    finally:
        del table.context


def _parts(table: Table, request, context: Context):
    columns = [_Column(table, bound) for bound in table.columns]
    attrs = AttributeDict(table.attrs)
    yield f'<div class="table-container"><table {attrs.as_html()}>'
    if table.show_header:
        yield f"<thead {AttributeDict(table.attrs.get('thead', {})).as_html()}><tr>"
        for column in columns:
            bound = column.bound
            yield f"<th {bound.attrs['th'].as_html()}>"
            if bound.orderable:
                href = _query(request, {table.prefixed_order_by_field: bound.order_by_alias.next})
                yield format_html('<a href="{}">{}</a>', mark_safe(href), bound.header)
            else:
                yield render_value_in_context(bound.header, context)
            yield "</th>"
        yield "</tr></thead>"
    yield f"<tbody {AttributeDict(table.attrs.get('tbody', {})).as_html()}>"
    empty = True
    for row in table.paginated_rows:
        empty = False
        yield f"<tr {_row_attrs(table, row)}>"
        for column in columns:
            value = _cell(table, row, column)
            if column.td_static:
                td = column.td_html
            else:
                column.bound.current_value, column.bound.current_record = value, row.record
                td = column.bound.attrs["td"].as_html()
            yield f"<td {td}>{_text(value, column, context)}</td>"
        yield "</tr>"
    if empty and table.empty_text:
        yield format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)
    yield "</tbody>"
    if table.has_footer():
        yield f"<tfoot {AttributeDict(table.attrs.get('tfoot', {})).as_html()}><tr>"
        for column in columns:
            yield f"<td {column.bound.attrs['tf'].as_html()}>"
            yield render_value_in_context(column.bound.footer, context)
            yield "</td>"
        yield "</tr></tfoot>"
    yield "</table>"
    yield from _pagination(table, request)
    yield "</div>"


def _pagination(table: Table, request):
    page = getattr(table, "page", None)
    if not page or table.paginator.num_pages <= 1:
        return
    field = table.prefixed_page_field
    yield '<ul class="pagination">'
    if page.has_previous():
        href = _query(request, {field: page.previous_page_number()})
        yield f'<li class="previous"><a href="{href}">{escape(gettext("上一页"))}</a></li>'
    if page.has_previous() or page.has_next():
        for number in _page_range(page, table.paginator):
            active = ' class="active"' if number == page.number else ""
            if number == "...":
                yield f'<li{active}><a href="#">...</a></li>'
            else:
                yield f'<li{active}><a href="{_query(request, {field: number})}">{number}</a></li>'
    if page.has_next():
        href = _query(request, {field: page.next_page_number()})
        yield f'<li class="next"><a href="{href}">{escape(gettext("下一页"))}</a></li>'
    yield "</ul>"
