"""Demo users: one of each role, so that a new machine can be tried at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from units.models import LEADER, LIAISON, OFFICE, Jurisdiction, Profile, Unit

DEMO_PASSWORD = "anquan2024"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str | None  # a role group, or None for the superuser
    jurisdiction: str
    unit: str | None = None


DEMO_USERS = [
    DemoUser("admin", "系统管理员", None, "交城县"),
    DemoUser("office", "县安委办 王主任", OFFICE, "交城县"),
    DemoUser("syg_office", "水峪贯镇安委办 李干事", OFFICE, "水峪贯镇"),
    DemoUser("leader", "县领导 张县长", LEADER, "交城县"),
    DemoUser("yjj", "县应急局联络员 刘明", LIAISON, "交城县", "县应急局"),
    DemoUser("tnz", "天宁镇联络员 赵芳", LIAISON, "交城县", "天宁镇"),
]


@transaction.atomic
def create_demo_users() -> list[DemoUser]:
    User = get_user_model()
    for demo in DEMO_USERS:
        jurisdiction = Jurisdiction.objects.get(name=demo.jurisdiction)
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.full_name
        user.is_staff = user.is_superuser = demo.role is None
        user.set_password(DEMO_PASSWORD)
        user.save()
        if demo.role:
            user.groups.set([Group.objects.get_or_create(name=demo.role)[0]])
        unit = Unit.objects.get(jurisdiction=jurisdiction, name=demo.unit) if demo.unit else None
        Profile.objects.update_or_create(
            user=user, defaults={"jurisdiction": jurisdiction, "unit": unit}
        )
    return DEMO_USERS
