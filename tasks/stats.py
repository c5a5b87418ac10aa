"""Per-unit and overall figures for the workbench and the unit pages.

Every figure is an aggregate query: the number of queries does not grow with the number of
units or assignments. Rules (DOMAIN.md, tasks/models.py):

- 逾期 (late): ``AssignmentQuerySet.late`` — past the due date and not 已办结, or a recurring
  period ended without a report.
- 临期 (due soon): ``AssignmentQuerySet.due_soon`` — due within 7 days, today included.
- 进度滞后 (behind): ``AssignmentQuerySet.behind_schedule`` — behind 序时进度.
- 完成率: 已办结 ÷ 分配数.
- 按时办结率: done on or before the original due date (``original_due_date``, or ``due_date``
  when there is no original; done without any date counts as on time) ÷ 应办结数, that is the
  assignments already done or whose original date has passed.
- Light per unit: red if any late, yellow if any due soon or behind, else green.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from safetyplan import sqlmemo
from tasks import rules
from tasks.models import Assignment
from units.models import Jurisdiction, Unit

if TYPE_CHECKING:
    from units.access import Actor

S = Assignment.Status
LIGHTS = {2: "red", 1: "yellow", 0: "green"}


def scope(assignments: QuerySet[Assignment], *, year: int | None = None) -> QuerySet:
    """The assignments that count: measures not withdrawn, of the notices of ``year``."""
    qs = assignments.filter(measure__withdrawn=False)
    if year:
        qs = qs.filter(measure__task__notice__year=year)
    return qs


def _assessed_due(prefix: str = "") -> F:
    """The date a unit is assessed on: the original one, even after an extension."""
    return Coalesce(F(f"{prefix}original_due_date"), F(f"{prefix}due_date"))


def _on_time(prefix: str = "") -> Q:
    """已办结, on or before the assessed date (or without any date)."""
    completed_on = rules.LocalDate(f"{prefix}completed_at")
    return Q(**{f"{prefix}status": S.DONE}) & (
        Q(**{f"{prefix}original_due_date__isnull": True, f"{prefix}due_date__isnull": True})
        | Q(
            **{
                f"{prefix}original_due_date__isnull": False,
                f"{prefix}original_due_date__gte": completed_on,
            }
        )
        | Q(
            **{
                f"{prefix}original_due_date__isnull": True,
                f"{prefix}due_date__gte": completed_on,
            }
        )
    )


def _expected(on: dt.date, prefix: str = "") -> Q:
    """应办结: done already, or the assessed date has passed."""
    return (
        Q(**{f"{prefix}status": S.DONE})
        | Q(**{f"{prefix}original_due_date__lt": on})
        | Q(**{f"{prefix}original_due_date__isnull": True, f"{prefix}due_date__lt": on})
    )


def rate(part: str, whole: str) -> Case:
    return Case(
        When(
            **{f"{whole}__gt": 0},
            then=ExpressionWrapper(Value(100.0) * F(part) / F(whole), output_field=FloatField()),
        ),
        default=Value(None),
        output_field=FloatField(),
    )


def _light_rank() -> Case:
    return Case(
        When(late__gt=0, then=Value(2)),
        When(Q(due_soon__gt=0) | Q(behind__gt=0), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def unit_figures(
    units: QuerySet[Unit], assignments: QuerySet[Assignment], *, on: dt.date, idle: bool = False
):
    """``units`` annotated with their figures over ``assignments`` (one query when evaluated).

    Annotations: assigned, done, late, due_soon, behind, on_time, expected, completion_rate,
    on_time_rate (percent, None when there is nothing to divide by) and light_rank (2 red,
    1 yellow, 0 green; ``light_name`` turns it into a name). Only units with assignments in
    ``assignments``, unless ``idle``: then every unit, those without at zero.
    """
    if idle:
        # Every unit: each figure checks the scope in its own semi-join (fine for one county).
        mine = Q(assignments__in=assignments)
    else:
        # The filter before the annotations constrains them to the scope with one semi-join,
        # and each figure is a condition on the joined row: one grouped pass over the units'
        # assignments (a semi-join per figure took seconds at province scale).
        mine = Q()
        units = units.filter(assignments__in=assignments)
    a = "assignments__"
    return units.annotate(
        assigned=Count("assignments", filter=mine),
        done=Count("assignments", filter=mine & Q(assignments__status=S.DONE)),
        late=Count("assignments", filter=mine & rules.late(on, a)),
        due_soon=Count("assignments", filter=mine & rules.due_soon(on, a)),
        behind=Count("assignments", filter=mine & rules.behind_schedule(on, a)),
        on_time=Count("assignments", filter=mine & _on_time(a)),
        expected=Count("assignments", filter=mine & _expected(on, a)),
    ).annotate(
        completion_rate=rate("done", "assigned"),
        on_time_rate=rate("on_time", "expected"),
        light_rank=_light_rank(),
    )


def light_name(rank: int) -> str:
    return LIGHTS[rank]


@dataclass(frozen=True)
class Totals:
    assigned: int
    by_status: dict[str, int]  # status value → count, every status present
    late: int
    due_soon: int
    behind: int
    on_time: int
    expected: int

    @property
    def done(self) -> int:
        return self.by_status[S.DONE]

    @property
    def completion_rate(self) -> float | None:
        return 100.0 * self.done / self.assigned if self.assigned else None

    @property
    def on_time_rate(self) -> float | None:
        return 100.0 * self.on_time / self.expected if self.expected else None

    def statuses(self) -> list[tuple[str, str, int]]:
        """(value, label, count) in workflow order."""
        return [(s.value, s.label, self.by_status[s.value]) for s in S]


def scope_key(actor: Actor, jurisdiction: Jurisdiction | None, year: int | None) -> tuple:
    """Everything the figures of ``actor``'s reach in a chosen jurisdiction and year depend on:
    the key under which their SQL is compiled once (``unit_figure_rows``, ``totals``…)."""
    return (
        actor.role,
        actor.jurisdiction.path if actor.jurisdiction else None,
        actor.unit.pk if actor.unit else None,
        (jurisdiction.pk, jurisdiction.path) if jurisdiction else None,
        year,
    )


def unit_figure_rows(
    units: QuerySet[Unit], assignments: QuerySet[Assignment], *, on: dt.date, key: Hashable
) -> list[Unit]:
    """``unit_figures`` of the units with assignments, as a list: its SQL is compiled once per
    ``key``, which must name everything ``units`` and ``assignments`` depend on."""
    return sqlmemo.model_rows(
        Unit,
        ("unit_figures", key, on),
        lambda: unit_figures(units, assignments, on=on).filter(assigned__gt=0),
    )


def totals(assignments: QuerySet[Assignment], *, on: dt.date, key: Hashable = None) -> Totals:
    """Counts over all of ``assignments``, in one query; with a ``key`` naming everything
    ``assignments`` depends on, its SQL is compiled once (``safetyplan.sqlmemo``)."""

    def run() -> dict:
        return assignments.aggregate(
            assigned=Count("pk"),
            late=Count("pk", filter=rules.late(on)),
            due_soon=Count("pk", filter=rules.due_soon(on)),
            behind=Count("pk", filter=rules.behind_schedule(on)),
            on_time=Count("pk", filter=_on_time()),
            expected=Count("pk", filter=_expected(on)),
            **{f"status_{s.value}": Count("pk", filter=Q(status=s.value)) for s in S},
        )

    row = run() if key is None else sqlmemo.aggregate(("totals", key, on), run)
    return Totals(
        assigned=row["assigned"],
        by_status={s.value: row[f"status_{s.value}"] for s in S},
        late=row["late"],
        due_soon=row["due_soon"],
        behind=row["behind"],
        on_time=row["on_time"],
        expected=row["expected"],
    )


@dataclass(frozen=True)
class MonthRow:
    month: int
    label: str
    completed: int
    overdue: int


def by_month(
    assignments: QuerySet[Assignment], *, year: int, on: dt.date, key: Hashable = None
) -> list[MonthRow]:
    """For each month of ``year`` up to ``on``: assignments 办结 in that month, and those whose
    due date fell in that month, passed before ``on``, and were not done by then (two queries;
    with a ``key``, compiled once as in ``totals``).
    """

    def completed_query() -> QuerySet:
        return (
            assignments.filter(status=S.DONE, completed_at__year=year)
            .annotate(m=rules.LocalMonth("completed_at"))
            .order_by()
            .values("m")
            .annotate(n=Count("pk"))
            .values_list("m", "n")
        )

    def overdue_query() -> QuerySet:
        missed_deadline = Q(~Q(status=S.DONE)) | Q(due_date__lt=rules.LocalDate("completed_at"))
        return (
            assignments.filter(due_date__year=year, due_date__lt=on)
            .filter(missed_deadline)
            .annotate(m=rules.LocalMonth("due_date"))
            .order_by()
            .values("m")
            .annotate(n=Count("pk"))
            .values_list("m", "n")
        )

    if key is None:
        completed, overdue = dict(completed_query()), dict(overdue_query())
    else:
        completed = {
            int(m): n for m, n in sqlmemo.value_rows(("completed", key, year, on), completed_query)
        }
        overdue = {
            int(m): n for m, n in sqlmemo.value_rows(("overdue", key, year, on), overdue_query)
        }
    last = 12 if year < on.year else (on.month if year == on.year else 0)
    return [
        MonthRow(m, f"{m}月", completed.get(m, 0), overdue.get(m, 0)) for m in range(1, last + 1)
    ]


def with_light_rank(assignments: QuerySet[Assignment], *, on: dt.date) -> QuerySet[Assignment]:
    """Annotate ``missed_periods`` and ``light_rank`` (2 red, 1 yellow, 0 green): the same rule
    as ``Assignment.light``, in SQL, so that a list can be sorted by it."""
    late = assignments.late(on=on).values("pk")
    soon = assignments.due_soon(on=on).values("pk")
    behind = assignments.behind_schedule(on=on).values("pk")
    return assignments.with_missed_periods(on=on).annotate(
        light_rank=Case(
            When(pk__in=late, then=Value(2)),
            When(Q(pk__in=soon) | Q(pk__in=behind), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
