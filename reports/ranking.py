"""Per-unit assessment figures (考核): the ranking page, its .xlsx, and the 通报.

Every figure is an aggregate or a subquery: one query however many units there are. Rules
(the same as the workbench's, ``tasks/stats.py``):

- 分配: assignments of the scope (measures not withdrawn, the chosen year's notices).
- 已办结: status 已办结 (for a 通报: 办结 on or before the period's last day).
- 按时办结: 已办结 on or before the original due date (``original_due_date``, or ``due_date``
  when there is none; 办结 without any date counts as on time): an approved extension does not
  make a late completion on time.
- 应办结: done, or the original due date has passed; 按时办结率 = 按时办结 ÷ 应办结.
- 逾期: ``AssignmentQuerySet.late`` (past the due date and not 已办结, or a reporting period
  missed); for a 通报 of a past period: due before the period ended and not 办结 by then.
- 完成率 = 已办结 ÷ 分配.
- 获批延期: approved extension requests; 收到催办: reminders (e-mail, in-app, 督办单).
- Ranking: 完成率, then 按时办结率, highest first (units without a rate last); equal figures
  share a rank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Rank
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from tasks import figures, rules, stats
from tasks.access import visible_assignments, visible_units
from tasks.models import Assignment, ExtensionRequest
from units.models import Unit

S = Assignment.Status


def _done(as_of: dt.date | None, p: str) -> Q:
    if as_of is None:
        return Q(**{f"{p}status": S.DONE})
    return Q(**{f"{p}status": S.DONE, f"{p}completed_at__isnull": False}) & Q(
        LessThanOrEqual(rules.LocalDate(f"{p}completed_at"), as_of)
    )


def _on_time(p: str) -> Q:
    """办结 on or before the assessed date (the original one), or without any date."""
    completed_on = rules.LocalDate(f"{p}completed_at")
    return (
        Q(**{f"{p}original_due_date__isnull": True, f"{p}due_date__isnull": True})
        | Q(**{f"{p}original_due_date__isnull": False})
        & Q(GreaterThanOrEqual(F(f"{p}original_due_date"), completed_on))
        | Q(**{f"{p}original_due_date__isnull": True})
        & Q(GreaterThanOrEqual(F(f"{p}due_date"), completed_on))
    )


def unit_figures(
    units: QuerySet[Unit],
    assignments: QuerySet[Assignment],
    *,
    on: dt.date,
    as_of: dt.date | None = None,
) -> QuerySet[Unit]:
    """The units with assignments in ``assignments``, annotated with assigned, completed,
    on_time, expected, overdue, extensions, reminders, completion_rate and on_time_rate
    (percent; None when nothing to divide by).

    ``on``: the day overdue is judged on (today). ``as_of``: for a 通报 of a period, the period's
    last day: only assignments made by then count, and 办结 only if it happened by then.
    """
    scoped = assignments.order_by()
    if as_of is not None:
        scoped = scoped.filter(start_date__lte=as_of)
    p = "assignments__"
    done = _done(as_of, p)
    assessed_passed = Q(**{f"{p}original_due_date__lt": on}) | Q(
        **{f"{p}original_due_date__isnull": True, f"{p}due_date__lt": on}
    )
    if as_of is None:
        overdue = rules.late(on, p)
    else:
        missed = Q(GreaterThan(rules.missed_periods(on, p), 0))
        overdue = (missed | Q(**{f"{p}due_date__lt": on})) & ~done

    def counted(condition: Q) -> Count:
        # distinct: the extensions and reminders joined below repeat an assignment's row
        return Count("assignments", filter=condition, distinct=True)

    approved = Q(assignments__extensions__status=ExtensionRequest.Status.APPROVED)
    # The filter before the annotations limits them to the scope with one semi-join; each
    # figure is then a condition on the joined row (a semi-join per figure rebuilt the scope
    # once per figure: seconds at province scale).
    return (
        units.filter(assignments__in=scoped)
        .annotate(
            assigned=Count("assignments", distinct=True),
            completed=counted(done),
            on_time=counted(done & _on_time(p)),
            expected=counted(done | assessed_passed),
            overdue=counted(overdue),
            extensions=Count("assignments__extensions", filter=approved, distinct=True),
            reminders=Count("assignments__reminders", distinct=True),
        )
        .annotate(
            completion_rate=stats.rate("completed", "assigned"),
            on_time_rate=stats.rate("on_time", "expected"),
        )
    )


def ranked(
    units: QuerySet[Unit],
    assignments: QuerySet[Assignment],
    *,
    on: dt.date,
    as_of: dt.date | None = None,
) -> QuerySet[Unit]:
    """The units with at least one assignment, with ``rank`` (1 = best), in rank order."""
    ranking_order = [
        F("completion_rate").desc(nulls_last=True),
        F("on_time_rate").desc(nulls_last=True),
    ]
    return (
        unit_figures(units, assignments, on=on, as_of=as_of)
        .filter(assigned__gt=0)
        .annotate(rank=Window(Rank(), order_by=ranking_order))
        .order_by(*ranking_order, "order", "pk")
    )


@dataclass(frozen=True)
class RankRow:
    """A unit's ranked figures, with the attributes RankingTable and the workbook read."""

    pk: int
    name: str
    place: str  # its county's name: every county has its 城关镇
    order: int
    rank: int
    assigned: int
    completed: int
    on_time: int
    expected: int
    overdue: int
    extensions: int
    reminders: int
    completion_rate: float | None
    on_time_rate: float | None


@dataclass(frozen=True)
class RankingSnapshot:
    rows: list[RankRow]
    computed_at: dt.datetime


def _compute_ranking(actor, *, year: int | None, on: dt.date) -> RankingSnapshot:
    assignments = stats.scope(visible_assignments(actor), year=year)
    units = ranked(visible_units(actor).select_related("jurisdiction"), assignments, on=on)
    names = [f.name for f in fields(RankRow) if f.name != "place"]
    return RankingSnapshot(
        rows=[
            RankRow(place=u.jurisdiction.name, **{n: getattr(u, n) for n in names}) for u in units
        ],
        computed_at=timezone.now(),
    )


def cached_ranking(actor, *, year: int | None, on: dt.date) -> RankingSnapshot | None:
    return figures.cached("ranking", actor, year=year, on=on)


def ranking_snapshot(actor, *, year: int | None, on: dt.date) -> RankingSnapshot:
    """The ranking over every county below a city or a province (``tasks.figures``): at
    most FIGURES_MAX_AGE seconds old."""
    return figures.get_or_compute(
        "ranking",
        actor,
        year=year,
        on=on,
        compute=lambda: _compute_ranking(actor, year=year, on=on),
    )


def refresh_ranking(actor, *, year: int | None, on: dt.date) -> RankingSnapshot:
    snapshot = _compute_ranking(actor, year=year, on=on)
    return figures.store("ranking", actor, snapshot, year=year, on=on)


# ---- periods of a 通报 ---------------------------------------------------------------------------

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
PERIOD_CHOICES = [
    ("季度", [(f"q{q}", name) for q, name in QUARTER_NAMES.items()]),
    ("月份", [(f"m{m}", f"{m}月") for m in range(1, 13)]),
]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # the last day
    label: str  # 2024年3月 / 2024年第一季度

    def as_of(self, today: dt.date) -> dt.date:
        """The day the figures stand at: the period's last day, or today while it runs."""
        return min(self.end, today)

    def judged_on(self, today: dt.date) -> dt.date:
        """The day overdue is judged on: the day after the period (due on its last day and not
        done counts), or today while it runs (due today is not overdue yet)."""
        return min(self.end + dt.timedelta(days=1), today)


def period(year: int, code: str) -> Period:
    """``code``: ``q1``…``q4`` or ``m1``…``m12``."""
    kind, n = code[0], int(code[1:])
    if kind == "q":
        start = dt.date(year, 3 * n - 2, 1)
        months, label = 3, f"{year}年{QUARTER_NAMES[n]}"
    else:
        start = dt.date(year, n, 1)
        months, label = 1, f"{year}年{n}月"
    following = start.month - 1 + months
    next_start = dt.date(year + following // 12, following % 12 + 1, 1)
    return Period(start, next_start - dt.timedelta(days=1), label)


def default_period(today: dt.date) -> tuple[int, str]:
    """The month that has just ended: what the office circulates at the start of a month."""
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    return last_month.year, f"m{last_month.month}"


# ---- .xlsx -------------------------------------------------------------------------------------

XLSX_COLUMNS = [
    ("排名", "rank", 7),
    ("单位", "name", 28),
    ("分配", "assigned", 8),
    ("已办结", "completed", 9),
    ("按时办结", "on_time", 10),
    ("逾期", "overdue", 8),
    ("获批延期", "extensions", 10),
    ("收到催办", "reminders", 10),
    ("完成率", "completion_rate", 10),
    ("按时办结率", "on_time_rate", 12),
]


def ranking_workbook(*, title: str, units: list[Unit], today: dt.date) -> bytes:
    """The ranking as an .xlsx: a title row, the header, one row per unit, fixed widths."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "考核排名"
    last = get_column_letter(len(XLSX_COLUMNS))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = f"{title}（截至{today.year}年{today.month}月{today.day}日）"
    sheet["A1"].font = Font(name="黑体", size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (label, _key, width) in enumerate(XLSX_COLUMNS, start=1):
        cell = sheet.cell(row=2, column=col, value=label)
        cell.font = Font(name="黑体", bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF5")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(col)].width = width
    for row, unit in enumerate(units, start=3):
        for col, (_label, key, _width) in enumerate(XLSX_COLUMNS, start=1):
            value = getattr(unit, key)
            cell = sheet.cell(row=row, column=col)
            if key.endswith("_rate"):
                cell.value = None if value is None else round(value / 100, 4)
                cell.number_format = "0.0%"
            else:
                cell.value = value
            cell.border = border
            if key != "name":
                cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = "C3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # print one page wide, as many tall
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
