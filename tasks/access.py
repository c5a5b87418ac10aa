"""Fetch through these, never through ``Model.objects`` directly, in every view.

They apply the user's reach (units.access.Actor): a liaison gets their own unit's
assignments; office, leaders and IT their jurisdiction and the ones below it. Anything else
answers 404, so that another unit's objects are not even shown to exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from tasks.models import Assignment, ExtensionRequest, Measure, Notice
from units.access import Actor
from units.models import Unit, UnitGroup


def visible_notices(actor: Actor) -> QuerySet[Notice]:
    return Notice.objects.filter(actor.jurisdiction_filter("jurisdiction__"))


def visible_measures(actor: Actor) -> QuerySet[Measure]:
    if actor.is_liaison:
        return Measure.objects.filter(assignments__unit=actor.unit).distinct()
    return Measure.objects.filter(actor.jurisdiction_filter("task__notice__jurisdiction__"))


def visible_assignments(actor: Actor) -> QuerySet[Assignment]:
    if actor.is_liaison:
        return Assignment.objects.filter(unit=actor.unit)
    return Assignment.objects.filter(
        actor.jurisdiction_filter("measure__task__notice__jurisdiction__")
    )


def visible_units(actor: Actor) -> QuerySet[Unit]:
    if actor.is_liaison:
        return Unit.objects.filter(pk=actor.unit.pk)
    return Unit.objects.filter(actor.jurisdiction_filter("jurisdiction__"))


def visible_groups(actor: Actor) -> QuerySet[UnitGroup]:
    if actor.is_liaison:
        return UnitGroup.objects.none()
    return UnitGroup.objects.filter(actor.jurisdiction_filter("jurisdiction__"))


def visible_extensions(actor: Actor) -> QuerySet[ExtensionRequest]:
    # visible_assignments' condition on the join, not ``assignment__in`` it: SQLite ran that
    # subquery over every visible assignment (30 ms for a city's queue, 1.4 ms joined), and
    # PostgreSQL joined every assignment to page a county's queue (140 ms, 18 ms joined).
    if actor.is_liaison:
        return ExtensionRequest.objects.filter(assignment__unit=actor.unit)
    return ExtensionRequest.objects.filter(
        actor.jurisdiction_filter("assignment__measure__task__notice__jurisdiction__")
    )


def get_assignment(actor: Actor, pk: int, *, for_update: bool = False) -> Assignment:
    """An assignment the actor may see (404 otherwise). ``for_update``: the actor must be able
    to act on it too: the office for its jurisdiction, a liaison for their own unit."""
    assignment = get_object_or_404(
        visible_assignments(actor).select_related("measure__task__notice", "unit"), pk=pk
    )
    if for_update and actor.is_leader:
        raise PermissionDenied("领导账号只能查看，不能修改。")
    return assignment


def require_writer(actor: Actor) -> None:
    """Leaders see everything and change nothing."""
    if not (actor.is_office or actor.is_liaison):
        raise PermissionDenied("您的账号只能查看，不能修改。")
