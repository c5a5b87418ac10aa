"""台账: the measures the 措施台账 filter shows, as an .xlsx workbook.

Built with openpyxl's write-only mode into a temporary file (the data rows by our own row
writer, reports/ledger_rows.py), so that memory stays flat however many rows there are: measures are read with ``.iterator(chunk_size=CHUNK)`` and, for each chunk,
their assignments (units per role, status, latest report text, missed periods) come in ONE more
query. Nothing is fetched per row.

Layout of every sheet: a title row merged across, the header row (frozen, repeated on every
printed page, with an auto filter), then one row per measure (or, on a unit's own sheet, one row
per assignment of that unit). Late rows (overdue, or a recurring period missed) are filled red.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import IO

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from reports.ledger_rows import RowWriter
from tasks.models import Assignment, Measure, ProgressReport

CHUNK = 2000
UNIT_SHEET_NAMES = 6  # a unit's own sheet names at most this many other units per role

# (header, width in characters); CJK characters count about double.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 6),
    ("任务", 22),
    ("主要内容", 54),
    ("牵头单位", 16),
    ("配合单位 / 责任单位", 24),
    ("完成时限", 15),
    ("状态", 10),
    ("最新进展", 44),
    ("逾期天数", 12),
)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
RED = "FFC7CE"  # Excel's own "bad" fill, readable when printed in grey
HEADER_GREY = "D9D9D9"
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

ROLE_ORDER = Case(
    *[When(role=r, then=Value(i)) for i, r in enumerate(Assignment.Role.values)],
    output_field=IntegerField(),
)
STATUS_LABELS = dict(Assignment.Status.choices)


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# ---- reading: measures and their assignments, chunk by chunk ----------------------------------


@dataclass
class LedgerAssignment:
    unit_id: int
    unit_name: str
    role: str
    status: str
    due_date: dt.date | None
    percent: int
    report_text: str | None
    report_at: dt.datetime | None
    missed_periods: int

    def days_late(self, today: dt.date) -> int:
        if self.status == Assignment.Status.DONE or not self.due_date or self.due_date >= today:
            return 0
        return (today - self.due_date).days

    def is_late(self, today: dt.date) -> bool:
        return self.status != Assignment.Status.DONE and bool(
            self.days_late(today) or self.missed_periods
        )


@dataclass
class LedgerMeasure:
    pk: int
    task: str
    text: str
    due_date: dt.date | None
    recurrence: str
    withdrawn: bool
    assignments: list[LedgerAssignment] = field(default_factory=list)


MEASURE_FIELDS = (
    "pk",
    "text",
    "due_date",
    "recurrence",
    "withdrawn",
    "task__number",
    "task__title",
)
ASSIGNMENT_FIELDS = (
    "measure_id",
    "unit_id",
    "unit__name",
    "role",
    "status",
    "due_date",
    "latest_percent",
    "report_text",
    "latest_report_at",
    "missed_periods",
)


def _task_label(number: str, title: str) -> str:
    return f"（{number}）{title}" if number else (title or "")


def ledger_assignments(assignments: QuerySet[Assignment], today: dt.date) -> QuerySet:
    """The values a ledger row needs, with the latest report's text as a subquery."""
    latest = (
        ProgressReport.objects.filter(assignment=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("text")[:1]
    )
    return (
        assignments.with_missed_periods(on=today)
        .annotate(report_text=Subquery(latest))
        .order_by("measure_id", ROLE_ORDER, "unit__order", "unit_id")
        .values(*ASSIGNMENT_FIELDS)
    )


def _batched(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def iter_measures(
    measures: QuerySet[Measure],
    assignments: QuerySet[Assignment],
    *,
    today: dt.date,
    chunk_size: int = CHUNK,
) -> Iterator[LedgerMeasure]:
    """Each measure with the ``assignments`` (already limited to what the user may see) that
    belong to it: two queries per ``chunk_size`` measures, nothing held beyond one chunk."""
    rows = measures.values(*MEASURE_FIELDS).iterator(chunk_size=chunk_size)
    for batch in _batched(rows, chunk_size):
        by_measure: dict[int, list[LedgerAssignment]] = {row["pk"]: [] for row in batch}
        for a in ledger_assignments(assignments.filter(measure_id__in=list(by_measure)), today):
            by_measure[a["measure_id"]].append(
                LedgerAssignment(
                    unit_id=a["unit_id"],
                    unit_name=a["unit__name"],
                    role=a["role"],
                    status=a["status"],
                    due_date=a["due_date"],
                    percent=a["latest_percent"],
                    report_text=a["report_text"],
                    report_at=a["latest_report_at"],
                    missed_periods=a["missed_periods"] or 0,
                )
            )
        for row in batch:
            yield LedgerMeasure(
                pk=row["pk"],
                task=_task_label(row["task__number"], row["task__title"]),
                text=row["text"],
                due_date=row["due_date"],
                recurrence=row["recurrence"],
                withdrawn=row["withdrawn"],
                assignments=by_measure[row["pk"]],
            )


# ---- what each column says -----------------------------------------------------------------


def measure_status(measure: LedgerMeasure, today: dt.date) -> str:
    """Same words as the measure list (``Measure.status``)."""
    items = measure.assignments
    if measure.withdrawn:
        return "已撤销"
    if not items:
        return "未分配"
    if all(a.status == Assignment.Status.DONE for a in items):
        return STATUS_LABELS[Assignment.Status.DONE]
    if any(a.days_late(today) for a in items):
        return "逾期"
    order = list(Assignment.Status.values)
    return STATUS_LABELS[min((a.status for a in items), key=order.index)]


def _names(names: list[str], limit: int | None) -> str:
    if limit is None or len(names) <= limit:
        return "、".join(names)
    return f"{'、'.join(names[:limit])}等{len(names)}个单位"


def unit_columns(items: list[LedgerAssignment], limit: int | None = None) -> tuple[str, str]:
    """牵头单位, and 配合单位 / 责任单位 (labelled only when a measure has both kinds);
    ``limit``: name at most that many units of each role, then say how many in all."""
    names = {role: [a.unit_name for a in items if a.role == role] for role in Assignment.Role}
    lead = _names(names[Assignment.Role.LEAD], limit)
    cooperate = _names(names[Assignment.Role.COOPERATE], limit)
    responsible = _names(names[Assignment.Role.RESPONSIBLE], limit)
    if cooperate and responsible:
        return lead, f"配合：{cooperate}\n负责：{responsible}"
    return lead, cooperate or responsible


def progress_text(a: LedgerAssignment) -> str:
    if a.report_text is None:
        return "尚未报送"
    day = cn_date(a.report_at.date()) if a.report_at else ""
    return f"{a.report_text.strip()}（{a.percent}%{'，' + day if day else ''}）"


def measure_progress(items: list[LedgerAssignment]) -> str:
    """One line per unit that has reported, then one line naming those that have not."""
    if len(items) == 1:
        return progress_text(items[0])
    lines = [f"{a.unit_name}：{progress_text(a)}" for a in items if a.report_text is not None]
    silent = [a.unit_name for a in items if a.report_text is None]
    if silent:
        lines.append(f"尚未报送：{'、'.join(silent)}")
    return "\n".join(lines)


def late_text(items: list[LedgerAssignment], today: dt.date) -> int | str | None:
    """Days past the due date (the worst unit), or the number of missed periods when a
    recurring measure is behind only on its reports."""
    open_items = [a for a in items if a.status != Assignment.Status.DONE]
    days = max((a.days_late(today) for a in open_items), default=0)
    missed = max((a.missed_periods for a in open_items), default=0)
    if days and missed:
        return f"{days}（漏报{missed}期）"
    if days:
        return days
    if missed:
        return f"漏报{missed}期"
    return None


# ---- writing -----------------------------------------------------------------------------------


class _Styles:
    """One cell per style, whose style array every data cell copies: much faster than setting
    fonts and fills cell by cell, and the same styles in the file."""

    def __init__(self, ws) -> None:
        thin = Side(style="thin", color="999999")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(wrap_text=True, vertical="top")
        center = Alignment(wrap_text=True, vertical="top", horizontal="center")

        def make(*, font=None, fill=None, alignment=wrap, number_format=None):
            cell = WriteOnlyCell(ws)
            cell.border = border
            cell.alignment = alignment
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
            if number_format:
                cell.number_format = number_format
            return cell._style

        red = PatternFill("solid", fgColor=RED)
        title = WriteOnlyCell(ws)  # the title has no border
        title.font = Font(bold=True, size=14)
        title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.title = title._style
        self.header = make(
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor=HEADER_GREY),
            alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        )
        self.text = {False: make(), True: make(fill=red)}
        self.center = {False: make(alignment=center), True: make(alignment=center, fill=red)}
        self.date = {
            False: make(alignment=center, number_format=DATE_FORMAT),
            True: make(alignment=center, number_format=DATE_FORMAT, fill=red),
        }


TEXT_WIDTHS = tuple(COLUMNS[i][1] for i in (1, 2, 3, 4, 7))
LINE_POINTS = 16


def text_lines(value: str | None, width: float) -> int:
    """Lines a wrapped cell needs: a CJK character is about two column units wide, and its
    UTF-8 form is three bytes, so (bytes + characters) / 2 is the display width, in C speed."""
    if not value:
        return 1
    usable = max(width - 1.5, 1)
    return sum(
        max(1, -(-(len(part.encode()) + len(part)) // (2 * usable))) for part in value.split("\n")
    )


def row_height(values, widths) -> float:
    return LINE_POINTS * max(text_lines(v, w) for v, w in zip(values, widths, strict=True)) + 3


@lru_cache(maxsize=512)
def _height(height: float) -> str:
    return f"{height:g}"


def _cell(ws, value, style) -> WriteOnlyCell:
    """A title or header cell: text, with its style array."""
    cell = WriteOnlyCell(ws)
    cell._value, cell.data_type = ILLEGAL_CHARACTERS_RE.sub("", value), "s"
    cell._style = style
    return cell


class LedgerSheet:
    """A write-only sheet with the title, the frozen header and the column widths."""

    def __init__(self, wb: Workbook, name: str, title: str) -> None:
        self.ws = ws = wb.create_sheet(name)
        self.styles = _Styles(ws)
        self.rows = 0
        for index, (_, width) in enumerate(COLUMNS, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A3"
        ws.print_title_rows = "1:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.row_dimensions[1].height = 32
        last = get_column_letter(len(COLUMNS))
        ws.merged_cells.add(f"A1:{last}1")
        ws.append([_cell(ws, title, self.styles.title)])
        ws.append([_cell(ws, header, self.styles.header) for header, _ in COLUMNS])
        # The data rows: written by our own row writer, each as soon as it is appended.
        RowWriter(ws, len(COLUMNS))

    def add(self, *, task, text, lead, others, due, status, progress, late, red) -> None:
        s = self.styles
        self.rows += 1
        text_style, center = s.text[red], s.center[red]
        # Write-only sheets cannot be fitted afterwards: the row gets the height its wrapped
        # text needs.
        height = _height(row_height((task, text, lead, others, progress), TEXT_WIDTHS))
        self.ws.append(
            (
                height,
                (
                    (self.rows, center), (task, text_style), (text, text_style),
                    (lead, text_style), (others, text_style), (due, s.date[red]),
                    (status, center), (progress, text_style), (late, center),
                ),
            )
        )  # fmt: skip

    def finish(self) -> None:
        last = get_column_letter(len(COLUMNS))
        self.ws.auto_filter.ref = f"A2:{last}{self.rows + 2}"


def _sheet_name(name: str, taken: set[str]) -> str:
    base = SHEET_NAME_BAD.sub("", name).strip("'") or "单位"
    base, candidate, n = base[:28], base[:31], 2
    while candidate in taken:
        candidate, n = f"{base}({n})", n + 1
    taken.add(candidate)
    return candidate


@dataclass
class LedgerSpec:
    """What to export: the measures, the assignments the user may see, and the words around."""

    measures: QuerySet[Measure]
    assignments: QuerySet[Assignment]
    today: dt.date
    title: str  # e.g. 交城县2024年安全生产工作任务台账
    per_unit: bool = False
    units: list[tuple[int, str]] = field(default_factory=list)  # for per_unit sheets, in order


def full_title(spec: LedgerSpec, prefix: str = "") -> str:
    return f"{prefix}{spec.title}（截至{cn_date(spec.today)}）"


def write_ledger(spec: LedgerSpec, out: IO[bytes]) -> int:
    """Write the workbook to ``out``; returns the number of measure rows."""
    wb = Workbook(write_only=True)
    main = LedgerSheet(wb, "台账", full_title(spec))
    unit_sheets: dict[int, LedgerSheet] = {}
    if spec.per_unit:
        taken = {"台账"}
        for unit_id, name in spec.units:
            unit_sheets[unit_id] = LedgerSheet(
                wb, _sheet_name(name, taken), full_title(spec, f"{name} · ")
            )
    today = spec.today
    for m in iter_measures(spec.measures, spec.assignments, today=today):
        lead, others = unit_columns(m.assignments)
        progress = measure_progress(m.assignments)
        status = measure_status(m, today)
        late = None if m.withdrawn else late_text(m.assignments, today)
        red = not m.withdrawn and any(a.is_late(today) for a in m.assignments)
        due = m.due_date or min((a.due_date for a in m.assignments if a.due_date), default=None)
        main.add(task=m.task, text=m.text, lead=lead, others=others, due=due,
                 status=status, progress=progress, late=late, red=red)  # fmt: skip
        if unit_sheets and len(m.assignments) > UNIT_SHEET_NAMES:
            lead, others = unit_columns(m.assignments, limit=UNIT_SHEET_NAMES)
        for a in m.assignments:
            sheet = unit_sheets.get(a.unit_id)
            if sheet is None:
                continue
            own_red = not m.withdrawn and a.is_late(today)
            sheet.add(task=m.task, text=m.text, lead=lead, others=others,
                      due=a.due_date or m.due_date,
                      status="已撤销" if m.withdrawn else STATUS_LABELS[a.status],
                      progress=progress_text(a),
                      late=None if m.withdrawn else late_text([a], today), red=own_red)  # fmt: skip
    main.finish()
    for sheet in unit_sheets.values():
        sheet.finish()
    wb.save(out)
    return main.rows


def build_ledger(spec: LedgerSpec) -> IO[bytes]:
    """The workbook in an anonymous temporary file (deleted when closed), rewound."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_ledger(spec, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
