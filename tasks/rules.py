"""The date rules of an assignment as SQL expressions that can be reached through a relation.

``AssignmentQuerySet`` uses them with no prefix; per-unit figures use them through
``assignments__`` so that one grouped pass over the units' assignments counts every figure,
instead of one ``IN (subquery)`` over the whole scope per figure (seconds at province scale).
Python twins: ``Assignment.missed_periods_list``, ``is_overdue``, ``is_due_soon``,
``schedule_lag``.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, Greatest, TruncDate
from django.db.models.lookups import Exact, GreaterThan, LessThan

from tasks import periods

DONE = "done"  # Assignment.Status.DONE: tasks.models imports this module, not the reverse
DUE_SOON_DAYS = 7


class DayNumber(models.Func):
    """A date as a whole number of days, so that 序时进度 is integer arithmetic in SQL."""

    template = "(%(expressions)s - DATE '1970-01-01')"  # PostgreSQL: date - date = days
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)"
        )


def current_period(on: dt.date, recurrence: str) -> Case:
    """The index of the period containing ``on``, for the recurrence in field ``recurrence``."""
    return Case(
        When(**{recurrence: periods.WEEKLY}, then=Value(periods.week_index(on))),
        *[
            When(**{recurrence: r}, then=Value(periods.month_index(on) // n))
            for r, n in periods.MONTHS_PER.items()
        ],
        default=Value(None),
        output_field=IntegerField(),
    )


def first_period(prefix: str = "") -> Case:
    """The index of the period in which the assignment was made."""
    rec = f"{prefix}measure__recurrence"
    return Case(
        When(**{rec: periods.WEEKLY}, then=F(f"{prefix}start_week")),
        When(**{rec: periods.MONTHLY}, then=F(f"{prefix}start_month")),
        *[
            When(**{rec: r}, then=F(f"{prefix}start_month") / Value(n))
            for r, n in periods.MONTHS_PER.items()
            if n > 1
        ],
        default=Value(None),
        output_field=IntegerField(),
    )


def missed_periods(on: dt.date, prefix: str = "") -> Case:
    """Periods from the first one up to the last one ended before ``on`` with no report.

    Reported periods in [first, current) are the counter ``reported_periods`` (from the first
    on) less those at or after ``current``: none when the latest reported period is before it,
    exactly one when it is ``current``; only when reports lie beyond ``on`` (judging a past
    day) are they counted, for those rows alone.
    """
    current = current_period(on, f"{prefix}measure__recurrence")
    report = apps.get_model("tasks", "ProgressReport")
    later = (
        report.objects.filter(assignment=OuterRef(f"{prefix}pk"))
        .alias(_current=current_period(on, "assignment__measure__recurrence"))
        .filter(period_index__gte=F("_current"))
        .order_by()
        .values("assignment")
        .annotate(n=Count("period_index", distinct=True))
        .values("n")
    )
    last = f"{prefix}last_period_index"
    at_or_after_current = Case(
        When(Q(**{f"{last}__isnull": True}) | Q(LessThan(F(last), current)), then=Value(0)),
        When(Exact(F(last), current), then=Value(1)),
        default=Coalesce(Subquery(later, output_field=IntegerField()), Value(0)),
        output_field=IntegerField(),
    )
    return Case(
        When(**{f"{prefix}status": DONE}, then=Value(0)),
        When(**{f"{prefix}measure__recurrence": ""}, then=Value(0)),
        default=Greatest(
            current - first_period(prefix) - F(f"{prefix}reported_periods") + at_or_after_current,
            Value(0),
        ),
        output_field=IntegerField(),
    )


def is_open(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": DONE})


def late(on: dt.date, prefix: str = "") -> Q:
    """Red: past the due date and not 已办结, or a recurring period missed."""
    overdue = Q(**{f"{prefix}due_date__lt": on}) & is_open(prefix)
    return Q(GreaterThan(missed_periods(on, prefix), 0)) | overdue


def due_soon(on: dt.date, prefix: str = "") -> Q:
    """Due within the next 7 calendar days, today included, and not 已办结."""
    last = on + dt.timedelta(days=DUE_SOON_DAYS - 1)
    return is_open(prefix) & Q(**{f"{prefix}due_date__gte": on, f"{prefix}due_date__lte": last})


def schedule_lag(on: dt.date, prefix: str = ""):
    """Positive when the latest percent is behind the time elapsed (scaled by the span, so
    that the comparison stays in integers on every database)."""
    start = DayNumber(F(f"{prefix}start_date"))
    elapsed = DayNumber(Value(on, output_field=models.DateField())) - start
    span = DayNumber(F(f"{prefix}due_date")) - start
    return Value(100) * elapsed - F(f"{prefix}latest_percent") * span


def behind_schedule(on: dt.date, prefix: str = "") -> Q:
    """序时进度: open, with a due date not passed and after the start, not red, and behind."""
    return (
        is_open(prefix)
        & Q(**{f"{prefix}due_date__gte": on, f"{prefix}due_date__gt": F(f"{prefix}start_date")})
        & Q(Exact(missed_periods(on, prefix), 0))
        & Q(GreaterThan(schedule_lag(on, prefix), 0))
    )


def _fixed_utc_offset() -> int | None:
    """Seconds east of UTC of settings.TIME_ZONE when it has no daylight saving time (China's
    has none since 1991), else None."""
    import zoneinfo

    from django.conf import settings

    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    winter, summer = (dt.datetime(2024, m, 1, tzinfo=zone).utcoffset() for m in (1, 7))
    return int(winter.total_seconds()) if winter == summer else None


class LocalDate(models.Func):
    """The local date of a datetime. On SQLite Django's TruncDate calls a Python function on
    every row; with a fixed offset SQLite's own date() gives the same date in a fraction."""

    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra_context):
        return TruncDate(*self.source_expressions).as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = _fixed_utc_offset()
        if offset is None:
            return self.as_sql(compiler, connection, **extra_context)
        template = f"date(%(expressions)s, '{offset:+d} seconds')"
        return super().as_sql(compiler, connection, template=template, **extra_context)


class LocalMonth(models.Func):
    """The month (1–12) of a date, or of a datetime's local date: a plain SQL function on
    SQLite instead of Django's Python one (see ``LocalDate``)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        (expression,) = self.source_expressions
        return ExtractMonth(expression).as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        (expression,) = self.source_expressions
        field = expression.output_field if hasattr(expression, "output_field") else None
        offset = _fixed_utc_offset()
        # %%%% leaves %% in the SQL: the SQLite backend turns it into one % when it runs the
        # query, and so does its debug formatting of the executed query.
        if isinstance(field, models.DateTimeField):
            if offset is None:
                return self.as_sql(compiler, connection, **extra_context)
            template = f"CAST(strftime('%%%%m', %(expressions)s, '{offset:+d} seconds') AS INTEGER)"
        else:
            template = "CAST(strftime('%%%%m', %(expressions)s) AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, **extra_context)
