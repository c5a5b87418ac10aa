"""Calendar reporting periods of recurring measures (weeks, months, quarters, half-years, years).

A period is numbered by an integer index so that "the periods between two dates" is arithmetic,
in Python and in SQL alike: months count from year 0, weeks from the Monday 0001-01-01.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEEKLY, MONTHLY, QUARTERLY, SEMIANNUAL, YEARLY = (
    "weekly",
    "monthly",
    "quarterly",
    "semiannual",
    "yearly",
)
MONTHS_PER = {MONTHLY: 1, QUARTERLY: 3, SEMIANNUAL: 6, YEARLY: 12}
_MONDAY_ZERO = dt.date(1, 1, 1)  # a Monday


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def week_index(day: dt.date) -> int:
    return (day - _MONDAY_ZERO).days // 7


def period_index(day: dt.date, recurrence: str) -> int:
    if recurrence == WEEKLY:
        return week_index(day)
    return month_index(day) // MONTHS_PER[recurrence]


@dataclass(frozen=True)
class Period:
    recurrence: str
    index: int

    @property
    def start(self) -> dt.date:
        if self.recurrence == WEEKLY:
            return _MONDAY_ZERO + dt.timedelta(weeks=self.index)
        months = self.index * MONTHS_PER[self.recurrence]
        return dt.date(months // 12, months % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return Period(self.recurrence, self.index + 1).start - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        start = self.start
        if self.recurrence == WEEKLY:
            return f"{start.year}年{start.month}月{start.day}日起的一周"
        if self.recurrence == MONTHLY:
            return f"{start.year}年{start.month}月"
        if self.recurrence == QUARTERLY:
            return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
        if self.recurrence == SEMIANNUAL:
            return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
        return f"{start.year}年"

    def __str__(self) -> str:
        return self.label


def period_of(day: dt.date, recurrence: str) -> Period:
    return Period(recurrence, period_index(day, recurrence))


def ended_periods(start: dt.date, on: dt.date, recurrence: str) -> list[Period]:
    """Periods from the one holding ``start`` up to, not including, the one holding ``on``."""
    first, current = period_index(start, recurrence), period_index(on, recurrence)
    return [Period(recurrence, i) for i in range(first, current)]
