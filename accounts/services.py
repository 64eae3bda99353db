from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from audit.services import record


class TeamRuleBroken(Exception):
    """A change that would leave the team without an active admin."""


def add_member(*, actor, username: str, password: str, role: str):
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, password=password)
        Membership.objects.create(user=user, role=role)
        record(actor=actor, action="member.add", object_type="member", object_id=username, detail={"role": role})
    return user


def _other_active_admins(user) -> bool:
    users = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    return users.filter(is_superuser=True).exists() or users.filter(membership__role=Role.ADMIN).exists()


def set_role(*, actor, user, role: str) -> None:
    membership, _created = Membership.objects.get_or_create(user=user, defaults={"role": role})
    old = membership.role if not _created else ""
    if old == Role.ADMIN and role != Role.ADMIN and not user.is_superuser and not _other_active_admins(user):
        raise TeamRuleBroken(_("The team needs at least one active admin."))
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        actor=actor,
        action="member.role",
        object_type="member",
        object_id=user.username,
        detail={"old": old, "new": role},
    )


def set_active(*, actor, user, active: bool) -> None:
    if not active and not _other_active_admins(user):
        raise TeamRuleBroken(_("The team needs at least one active admin."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="member.activate" if active else "member.deactivate",
        object_type="member",
        object_id=user.username,
    )
