"""The total of a list over a city's or a province's whole reach, counted at most once a minute.

Counting the 43,000 measures of a province's 措施台账, or its 34,000 completion requests, took
more than the rest of the page. For an office whose reach is wide (``figures.is_wide``), the
措施台账 and the review queue page their rows with a total counted at most
``FIGURES_MAX_AGE`` seconds ago, kept per filter in the shared cache, and say when it was
counted. The rows themselves are read on every request. A list narrowed to one notice or unit
counts live: it is small, and the office just acted on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django_filters import FilterSet

from tasks import figures
from units.access import Actor


@dataclass(frozen=True)
class Count:
    n: int
    computed_at: dt.datetime


class CountedPaginator(Paginator):
    """A paginator told its total instead of counting. Past the rows, a page is empty (a
    total a minute old may be a few rows off)."""

    def __init__(self, object_list, per_page, *args, known_count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _digest(asked: dict[str, list[str]]) -> str:
    pairs = sorted((name, v) for name, values in asked.items() for v in values if v not in ("",))
    return hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).hexdigest()[:24]


def count_kind(kind: str, asked: dict[str, list[str]]) -> str:
    """The ``figures`` kind under which the total of ``kind`` with the filter values ``asked``
    (by field name) is kept; empty values are left out, as the filter ignores them."""
    return f"count:{kind}:{_digest(asked)}"


def filters_key(filterset: FilterSet) -> str:
    """The filter's values as asked, short: what a filtered list depends on besides who looks
    and the day."""
    return _digest(_asked(filterset))


def _asked(filterset: FilterSet) -> dict[str, list[str]]:
    data = filterset.data if filterset.is_bound else {}
    get = data.getlist if hasattr(data, "getlist") else lambda name: [data.get(name)]
    return {name: [v for v in get(name) if v is not None] for name in filterset.form.fields}


def pagination(
    kind: str,
    actor: Actor,
    filterset: FilterSet,
    *,
    per_page: int,
    on: dt.date,
    live_if: Iterable[str] = (),
) -> tuple[dict, dt.datetime | None]:
    """django-tables2 ``paginate`` options for ``filterset.qs``, and when its total was counted
    (None: counted now, as usual). ``live_if`` names filters that narrow the list to a few rows
    whatever the reach: chosen, the total is counted live."""
    options: dict = {"per_page": per_page}
    if not figures.is_wide(actor, None):
        return options, None
    if filterset.is_bound and not filterset.is_valid():
        return options, None  # the view shows no rows: nothing to count
    chosen = filterset.form.cleaned_data if filterset.is_bound else {}
    if any(chosen.get(name) not in (None, "", [], ()) for name in live_if):
        return options, None
    counted = figures.get_or_compute(
        count_kind(kind, _asked(filterset)),
        actor,
        year=None,
        on=on,
        compute=lambda: Count(filterset.qs.count(), timezone.now()),
    )
    options.update(paginator_class=CountedPaginator, known_count=counted.n)
    return options, counted.computed_at
