"""Unit chips (a measure's units coloured by role, with their light), built in Python.

The 措施台账 shows 50 measures with up to a township list each: a template include per chip
cost 60–75 ms a page. Same markup as before (tests/tasks/test_chips.py keeps the template it
replaced to compare).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

FOLD_AFTER = 6
_LIGHT_NOTE = {"red": " · 逾期", "yellow": " · 临期或进度滞后"}


def chip(a, light: str) -> str:
    """One assignment as ``<span class="chip role-…">``; ``light`` is red, yellow, green or ''."""
    name, role = escape(a.unit.name), escape(str(a.get_role_display()))
    due = f" · {a.due_date.year}年{a.due_date.month}月{a.due_date.day}日前" if a.due_date else ""
    title = (
        f"{name} · {role} · {escape(str(a.get_status_display()))}{due}{_LIGHT_NOTE.get(light, '')}"
    )
    late = " chip-late" if light == "red" else ""
    dot = f'<span class="light {light}"></span> ' if light in _LIGHT_NOTE else ""
    return (
        f'<span class="chip role-{escape(a.role)}{late}" title="{title}">'
        f"{dot}{name}<small>{role}</small></span>"
    )


def chips(assignments: Sequence[tuple]) -> SafeString:
    """[(assignment, light)] as chips; past six, the rest fold away under 另有 N 个单位."""
    if not assignments:
        return mark_safe('<span class="muted">未分配</span>')
    shown = "".join(chip(a, light) for a, light in assignments[:FOLD_AFTER])
    html = f'<div class="chips">{shown}</div>'
    rest = assignments[FOLD_AFTER:]
    if rest:
        folded = "".join(chip(a, light) for a, light in rest)
        html += (
            f'<details class="more-units"><summary>另有 {len(rest)} 个单位</summary>'
            f'<div class="chips">{folded}</div></details>'
        )
    return mark_safe(html)
