import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from units.access import Actor, get_actor


def review_count(actor: Actor) -> int:
    """Completion requests (申请办结) plus pending extension requests in the office's reach, in
    one query. Others get 0 without a query."""
    if not actor.is_office:
        return 0
    from tasks import figures

    if figures.is_wide(actor, None):
        # A city's or province's count takes ~80 ms on every page: counted once a minute.
        return figures.get_or_compute(
            "badge", actor, year=None, on=dt.date.min, compute=lambda: _Count(_pending(actor))
        ).n
    return _pending(actor)


@dataclass(frozen=True)
class _Count:
    n: int
    computed_at: dt.datetime = field(default_factory=timezone.now)


def _pending(actor: Actor) -> int:
    from tasks.access import visible_assignments, visible_extensions
    from tasks.models import Assignment, ExtensionRequest

    # A union of two index lookups (few rows each), not a pass over every visible assignment
    # joined to its extensions: that took 150 ms on every page of a province's office.
    requests = visible_assignments(actor).order_by().filter(status=Assignment.Status.REQUESTED)
    extensions = visible_extensions(actor).filter(status=ExtensionRequest.Status.PENDING)
    return (
        requests.values("pk").union(extensions.order_by().values("assignment_id"), all=True).count()
    )


def roles(request):
    """The current user's role, so that the navigation shows only what it may use, and for the
    office the number of requests waiting in its review queue (counted only when shown)."""
    user = getattr(request, "user", None)
    actor = get_actor(user)
    return {"actor": actor, "review_count": SimpleLazyObject(lambda: review_count(actor))}


def unread_reminders(actor: Actor) -> int:
    """A liaison's unread in-app reminders and 督办单 (one query); 0 for others, no query."""
    if not actor.is_liaison:
        return 0
    from reports.views_reminders import inbox_for

    return inbox_for(actor).filter(read_at__isnull=True).count()


def reminders(request):
    """``reminder_count`` for the navigation's 提醒 link, counted only when shown."""
    actor = get_actor(getattr(request, "user", None))
    return {"reminder_count": SimpleLazyObject(lambda: unread_reminders(actor))}
