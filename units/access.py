"""Who may see and change what: every view fetches through these helpers.

- Office users (安委办) change everything in their jurisdiction and the ones below it.
- Leaders (领导) see the same, and change nothing.
- Liaisons (联络员) see and report on their own unit's assignments only.
- Superusers (IT) see everything.
Nobody sees a sibling jurisdiction's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from units.backends import ROLE_FLAGS
from units.models import LEADER, LIAISON, OFFICE, Jurisdiction, Unit


@dataclass(frozen=True)
class Actor:
    user: Any
    role: str  # "admin", "office", "leader", "liaison" or "none"
    jurisdiction: Jurisdiction | None = None
    unit: Unit | None = None

    @property
    def is_office(self) -> bool:
        return self.role in ("admin", "office")

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"

    @property
    def is_liaison(self) -> bool:
        return self.role == "liaison"

    @property
    def sees_jurisdiction(self) -> bool:
        """Office, leaders and IT look at a whole jurisdiction; liaisons at one unit."""
        return self.role in ("admin", "office", "leader")

    def jurisdiction_filter(self, prefix: str = "") -> Q:
        """A filter on a jurisdiction foreign key reached through ``prefix``."""
        if self.role == "admin":
            return Q()
        if self.jurisdiction is None or not self.sees_jurisdiction:
            return Q(pk__in=[])
        return Q(**{f"{prefix}path__startswith": self.jurisdiction.path})

    def may_see_jurisdiction(self, jurisdiction: Jurisdiction) -> bool:
        if self.role == "admin":
            return True
        if not self.sees_jurisdiction or self.jurisdiction is None:
            return False
        return jurisdiction.is_within(self.jurisdiction)


def get_actor(user: Any) -> Actor:
    """The user's role and where it applies, cached on the user object for the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Actor(user=user, role="none")
    cached = getattr(user, "_safetyplan_actor", None)
    if cached is not None:
        return cached
    profile = getattr(user, "profile", None)  # RelatedObjectDoesNotExist is an AttributeError
    names = _group_names(user)
    jurisdiction = profile.jurisdiction if profile else None
    if user.is_superuser:
        actor = Actor(user, "admin", jurisdiction, profile.unit if profile else None)
    elif OFFICE in names and jurisdiction:
        actor = Actor(user, "office", jurisdiction)
    elif LEADER in names and jurisdiction:
        actor = Actor(user, "leader", jurisdiction)
    elif LIAISON in names and profile and profile.unit_id:
        actor = Actor(user, "liaison", profile.unit.jurisdiction, profile.unit)
    else:
        actor = Actor(user, "none")
    user._safetyplan_actor = actor
    return actor


def _group_names(user: Any) -> set[str]:
    """The user's role groups: from the flags ``units.backends`` loads with the session's user,
    else (a user loaded some other way) from the database."""
    if all(hasattr(user, flag) for flag in ROLE_FLAGS):
        return {name for flag, name in ROLE_FLAGS.items() if getattr(user, flag)}
    return {g.name for g in user.groups.all()}


def office_required(view):
    """Only the office (and IT) may run this view; others get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not get_actor(request.user).is_office:
            raise PermissionDenied("只有安委办可以执行此操作。")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: str):
    """Let through users with one of ``roles`` ("admin", "office", "leader", "liaison")."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if get_actor(request.user).role not in roles:
                raise PermissionDenied("您没有权限访问此页面。")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
