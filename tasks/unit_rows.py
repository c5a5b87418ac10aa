"""The unit page's assignments (单位详情), lit and sorted in SQL compiled once per inputs.

Every light is the missed-periods rule (``rules.missed_periods``) with its subquery and a
dozen joins to resolve: resolving and compiling the page's query took 30–50 ms, running it
about 1 ms. ``RankedRows`` hands django-tables2 a queryset to sort and page as before, but
fetches the order through ``safetyplan.sqlmemo``: the first request with the same inputs
builds the query, later ones run its SQL again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from functools import lru_cache

from django.db.models import Case, F, IntegerField, OrderBy, Q, QuerySet, Value, When
from django.db.models.lookups import GreaterThan
from django_tables2.data import TableQuerysetData
from django_tables2.utils import OrderBy as Alias

from safetyplan import sqlmemo
from tasks import rules
from tasks.light import light_measure
from tasks.models import Assignment

# What the table's cells read of each row and its measure, task and notice: read as values
# into light rows (``_fetch``); the tests compare the markup with the models'.
FIELDS = (
    "role",
    "status",
    "due_date",
    "original_due_date",
    "start_date",
    "latest_percent",
    "latest_report_at",
    "measure__text",
    "measure__withdrawn",
    "measure__task__number",
    "measure__task__title",
    "measure__task__notice__title",
)


@lru_cache(maxsize=4)
def _light_rank(on: dt.date) -> Case:
    """``light_rank`` of ``stats.with_light_rank``, on the ``missed_periods`` alias.

    stats' version tests ``pk IN`` three subqueries (late, due soon, behind), each resolving
    the missed-periods expression again. The conditions are those of
    ``AssignmentQuerySet.late`` and ``behind_schedule``, which read the same annotation; built
    once a day, as annotate() resolves a copy."""
    is_open = rules.is_open()
    late = Q(missed_periods__gt=0) | (Q(due_date__lt=on) & is_open)
    behind = (
        is_open
        & Q(due_date__gte=on, due_date__gt=F("start_date"), missed_periods=0)
        & Q(GreaterThan(rules.schedule_lag(on), 0))
    )
    return Case(
        When(late, then=Value(2)),
        When(rules.due_soon(on) | behind, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def with_light_rank(assignments: QuerySet[Assignment], *, on: dt.date) -> QuerySet[Assignment]:
    """Annotate ``light_rank`` (2 red, 1 yellow, 0 green), the same values as
    ``stats.with_light_rank`` (tests/tasks/test_unit_pages.py compares them). Nothing on the
    page reads ``missed_periods`` itself: an alias, not selected."""
    missed = rules.missed_periods(on)
    return assignments.alias(missed_periods=missed).annotate(light_rank=_light_rank(on))


def _nulls_last(name: str) -> OrderBy:
    field = F(name.removeprefix("-"))
    return field.desc(nulls_last=True) if name.startswith("-") else field.asc(nulls_last=True)


class RankedRows(TableQuerysetData):
    """The table's data: ``assignments`` with ``light_rank``, sorted by the table.

    django-tables2 orders ``self.data``, a stand-in whose ``light_rank`` is a constant (cheap
    to build, and enough for ``order_by`` to accept the name). The rows come from one query,
    compiled once per ``key`` and ordering: the ids and lights of every row in order (the
    count, and any page); then the page's rows with their notice, by id. Two queries, as the
    count and the page were. ``key`` must name everything ``assignments`` depends on."""

    def __init__(self, assignments: QuerySet[Assignment], *, on: dt.date, key: Hashable):
        super().__init__(assignments.annotate(light_rank=Value(0)))
        self.assignments, self.on, self.key = assignments, on, key
        self._ordering: tuple[str, ...] = ()  # as the table asked, for the kept SQL's key
        self._order: list[tuple[int, int]] | None = None

    def order_by(self, aliases) -> None:
        """The table's order, every column of it, then ``pk``; an empty due date last either
        way on every database. (django-tables2 keeps only a column's own ``order_FOO`` when a
        table has one, which dropped the lights: the page was sorted by date alone.)"""
        ordering: list[str] = []
        for alias in aliases:
            bound = self.table.columns[Alias(alias).bare]
            flip = alias[0] != bound.order_by_alias[0]
            accessors = bound.order_by.opposite if flip else bound.order_by
            ordering += (accessor.for_queryset() for accessor in accessors)
        self._ordering = tuple(ordering)
        self.data = self.data.order_by(*map(_nulls_last, ordering), "pk")
        self._order = None

    def order(self) -> list[tuple[int, int]]:
        """(id, light_rank) of every row, in the table's order."""
        if self._order is None:
            ordering = tuple(self.data.query.order_by)

            def build() -> QuerySet:
                ranked = with_light_rank(self.assignments, on=self.on)
                return ranked.order_by(*ordering).values_list("pk", "light_rank")

            key = ("unit_rows", self.key, self.on, self._ordering)
            self._order = [(pk, rank) for pk, rank in sqlmemo.value_rows(key, build)]
        return self._order

    def __len__(self) -> int:
        return len(self.order())

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _Records(self.order()[key])
        return _Records([self.order()[key]])[0]

    def __iter__(self):
        return iter(_Records(self.order()))


class _Records:
    """Some of the rows (a page), fetched when first read: ``Table(request=…)`` pages the
    table with the default size before the view pages it again."""

    def __init__(self, ranked: list[tuple[int, int]]):
        self.ranked = ranked
        self._records: list[UnitPageRow] | None = None

    def __len__(self) -> int:
        return len(self.ranked)

    def __iter__(self):
        return iter(self._load())

    def __getitem__(self, key):
        return self._load()[key]

    def _load(self) -> list[UnitPageRow]:
        if self._records is None:
            self._records = _fetch(self.ranked)
        return self._records


class UnitPageRow:
    """An assignment as the unit page's cells read it (tasks/tables/units.py); the rule for
    序时进度 stays the model's method."""

    __slots__ = (
        "due_date", "latest_percent", "latest_report_at", "light_rank", "measure",
        "original_due_date", "pk", "role", "start_date", "status",
    )  # fmt: skip

    Status = Assignment.Status
    schedule_lag = Assignment.schedule_lag


def _by_ids(ids: list[int]) -> QuerySet:
    return Assignment.objects.filter(pk__in=ids).values_list("pk", *FIELDS)


def _fetch(ranked: list[tuple[int, int]]) -> list[UnitPageRow]:
    """The rows of ``ranked`` (id, light_rank) with their notice, in that order: one query,
    compiled once per page size (``safetyplan.sqlmemo``), read as light rows."""
    found = {}
    for values in sqlmemo.value_rows_of(("unit_page_rows",), _by_ids, [pk for pk, _ in ranked]):
        row = UnitPageRow()
        (row.pk, row.role, row.status, row.due_date, row.original_due_date, row.start_date,
         row.latest_percent, row.latest_report_at, text, withdrawn, number, title,
         notice_title) = values  # fmt: skip
        row.measure = light_measure(text, number, title, notice_title, withdrawn=withdrawn)
        found[row.pk] = row
    records = []
    for pk, rank in ranked:
        record = found.get(pk)
        if record is not None:  # deleted between the two queries
            record.light_rank = rank
            records.append(record)
    return records
