"""Accounts the office manages itself: liaisons, with one-time passwords to hand over."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from units.models import LIAISON, Profile, Unit

# Letters and digits that cannot be mistaken for each other when read out or copied by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password(user=None) -> str:
    """10 random letters and digits that pass the password validators (AUTH_PASSWORD_VALIDATORS):
    drawn again in the rare case they do not (all digits, too like the username…)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


@transaction.atomic
def create_liaison(*, username: str, full_name: str, unit: Unit, phone: str = "") -> tuple:
    """A liaison account for ``unit``; returns (user, one-time password)."""
    User = get_user_model()
    user = User(username=User.normalize_username(username), first_name=full_name)
    password = one_time_password(user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=LIAISON))
    Profile.objects.create(
        user=user,
        jurisdiction=unit.jurisdiction,
        unit=unit,
        phone=phone,
        must_change_password=True,
    )
    return user, password


@transaction.atomic
def reset_password(*, user) -> str:
    """A new one-time password; the user must choose their own at the next login."""
    password = one_time_password(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    Profile.objects.filter(user=user).update(must_change_password=True)
    return password


@transaction.atomic
def set_active(*, user, active: bool) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
