"""Cells and helpers shared by the tables of several pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from html import escape as _escape

from django.template.loader import render_to_string
from django.urls import reverse

from tasks.models import DUE_SOON_DAYS, Assignment


def due_info(record: Assignment, today: dt.date) -> dict:
    """Days overdue (``late``) or left within the 7-day window (``left``), and whether the
    date was extended (the original date stays for assessment)."""
    info = {
        "late": None,
        "left": None,
        "extended": bool(record.original_due_date and record.original_due_date != record.due_date),
    }
    if record.due_date and record.status != Assignment.Status.DONE:
        days = (record.due_date - today).days
        if days < 0:
            info["late"] = -days
        elif days < DUE_SOON_DAYS:
            info["left"] = days
    return info


def _label(text: str) -> dict:
    """Cell attributes: on a phone each row becomes a card and the label shows before the value."""
    return {"td": {"data-label": text}}


def _esc(value: object) -> str:
    """``{{ value }}`` in a template: escaped, unless already safe markup."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def _cn_day(day: dt.date) -> str:
    """``{{ day|date:"Y年n月j日" }}`` of a date, without the template engine."""
    return f"{day.year:04d}年{day.month}月{day.day}日"


def _url_of(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks: reversed once, the pk put in after.

    A row's links cost a ``reverse`` each otherwise, a tenth of the rendering of a page."""
    marker = "2147483647"
    pattern = reverse(name, args=[int(marker)])
    if pattern.count(marker) != 1:  # cannot happen with the product's URLs; stay correct
        return lambda pk: reverse(name, args=[pk])
    before, after = pattern.split(marker)
    return lambda pk: f"{before}{int(pk)}{after}"


def _review_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _review_day(moment) -> str:
    """The date of a timestamp in Asia/Shanghai."""
    from django.utils import timezone

    return _review_date(timezone.localdate(moment)) if moment else "—"


def _cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


@lru_cache(maxsize=8)
def light_html(light: str) -> str:
    """partials/light.html for ``light``, rendered once: a table shows one per row."""
    return render_to_string("partials/light.html", {"light": light})
