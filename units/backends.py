"""The session's user, loaded with everything ``units.access.get_actor`` needs.

Every page asks who the user is and where they act. Django's ``ModelBackend`` loads the bare user,
after which the profile, the groups, the jurisdiction and a liaison's unit cost a query each. Here
one query brings them all: the profile, its jurisdiction and unit joined in, and membership of the
three role groups as booleans (``EXISTS`` subqueries, so SQLite and PostgreSQL alike). The user is
read afresh on every request, so a changed group or a deactivated account takes effect at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, QuerySet

from units.models import LEADER, LIAISON, OFFICE

# Annotation name → group name; ``get_actor`` reads these instead of querying the groups.
ROLE_FLAGS = {"in_office_group": OFFICE, "in_leader_group": LEADER, "in_liaison_group": LIAISON}


def with_roles(users: QuerySet) -> QuerySet:
    """``users`` with profile, jurisdiction, unit and role-group flags loaded alongside."""
    through = get_user_model().groups.through
    flags = {
        flag: Exists(through.objects.filter(user_id=OuterRef("pk"), group__name=name))
        for flag, name in ROLE_FLAGS.items()
    }
    return users.select_related("profile__jurisdiction", "profile__unit__jurisdiction").annotate(
        **flags
    )


class RoleBackend(ModelBackend):
    """Django's ``ModelBackend`` (passwords, permissions), but ``get_user`` in one query.

    It must be the backend that authenticates: the session stores that backend's path and asks
    it, and only it, for the user on later requests."""

    def get_user(self, user_id: Any):
        User = get_user_model()
        try:
            user = with_roles(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
