"""Small factories: each makes one record with sensible defaults, nothing more."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tasks import periods
from tasks.models import Assignment, Measure, Notice, ProgressReport, Task
from units.models import LEADER, LIAISON, OFFICE, Jurisdiction, Profile, Unit, UnitAlias, UnitGroup

_seq = itertools.count(1)


def jurisdiction(name: str = "", *, level: str = "county", parent=None) -> Jurisdiction:
    return Jurisdiction.objects.create(
        name=name or f"某县{next(_seq)}", level=level, parent=parent, document_prefix="安办督"
    )


def unit(j: Jurisdiction, name: str = "", *, kind: str = "department", aliases=()) -> Unit:
    u = Unit.objects.create(jurisdiction=j, name=name or f"县单位{next(_seq)}", kind=kind)
    for a in aliases:
        UnitAlias.objects.create(unit=u, name=a)
    return u


def group(j: Jurisdiction, name: str, *, rule: str = "list", members=(), aliases=()) -> UnitGroup:
    g = UnitGroup.objects.create(jurisdiction=j, name=name, rule=rule, aliases="\n".join(aliases))
    if members:
        g.members.set(members)
    return g


def user(username: str, *, role: str | None, j: Jurisdiction, u: Unit | None = None):
    User = get_user_model()
    account = User.objects.create_user(username=username, password="pw-Test-12345")
    if role == "admin":
        account.is_superuser = account.is_staff = True
        account.save()
    elif role:
        # get_or_create: transactional tests (the browser ones) flush the migration's groups.
        account.groups.add(Group.objects.get_or_create(name=role)[0])
    Profile.objects.create(user=account, jurisdiction=j, unit=u)
    return account


def notice(j: Jurisdiction, *, year: int = 2024, title: str = "") -> Notice:
    return Notice.objects.create(
        jurisdiction=j, title=title or f"关于做好{year}年安全生产工作的通知", year=year
    )


def measure(
    n: Notice | None = None,
    *,
    j: Jurisdiction | None = None,
    text: str = "每月至少召开一次会议。",
    recurrence: str = "",
    due: dt.date | None = None,
) -> Measure:
    n = n or notice(j)
    task = Task.objects.create(notice=n, number="1", title="落实责任")
    return Measure.objects.create(task=task, text=text, recurrence=recurrence, due_date=due)


def assignment(
    m: Measure,
    u: Unit,
    *,
    due: dt.date | None = None,
    start: dt.date | None = None,
    status: str = Assignment.Status.NOT_STARTED,
    role: str = Assignment.Role.RESPONSIBLE,
) -> Assignment:
    a = Assignment(measure=m, unit=u, due_date=due, status=status, role=role)
    if start:
        a.start_date = start
    a.save()
    return a


def period_report(
    a: Assignment, author, day: dt.date, *, recurrence: str = "", text: str = "已报送"
) -> ProgressReport:
    """A report for the period of ``day`` (of ``recurrence``, by default the measure's)."""
    recurrence = recurrence or a.measure.recurrence
    return ProgressReport.objects.create(
        assignment=a,
        author=author,
        text=text,
        percent=50,
        period_start=day,
        period_index=periods.period_index(day, recurrence),
    )


ROLE_OFFICE, ROLE_LIAISON, ROLE_LEADER = OFFICE, LIAISON, LEADER
