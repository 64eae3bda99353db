from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from audit.services import record
from connections.services import disconnect
from connections.tenancy import PANEL
from jobs.services import cancel_owner_jobs


class TeamRuleBroken(Exception):
    """A change the team's rules refuse: one that would leave the team without an active admin,
    or a role for a superuser (always Admin)."""


def add_member(*, actor, username: str, email: str, password: str, role: str):
    """A member with an initial password, which they must change at their first sign-in."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, email=email, password=password)
        Membership.objects.create(user=user, role=role, must_change_password=True)
        record(
            actor=actor,
            action="member.add",
            object_type="member",
            object_id=username,
            detail={"role": role, "email": email},
            tenant=PANEL,
        )
    return user


def must_change_password(user) -> bool:
    """Whether the member still signs in with the initial password an admin gave them (read
    from the membership loaded with them: accounts.backends)."""
    try:
        return user.membership.must_change_password
    except Membership.DoesNotExist:
        return False


def password_changed(*, user) -> None:
    """The member chose a password of their own: the initial one is no longer asked to change."""
    if Membership.objects.filter(user=user, must_change_password=True).update(must_change_password=False):
        record(actor=user, action="member.password", object_type="member", object_id=user.username, tenant=PANEL)


def _lock_active_members() -> None:
    """Lock every active member's row, in id order, until the transaction ends: two changes that
    could each take away the last other admin (two admins deactivating each other) then run one
    after the other, and the second one counts what the first left. (PostgreSQL; SQLite lets one
    transaction write at a time anyway.)"""
    list(get_user_model().objects.select_for_update().filter(is_active=True).order_by("pk").values_list("pk"))


def _other_active_admins(user) -> bool:
    users = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    return users.filter(is_superuser=True).exists() or users.filter(membership__role=Role.ADMIN).exists()


def set_role(*, actor, user, role: str) -> None:
    if user.is_superuser:
        # role_of() answers Admin for every superuser: any other role would be recorded, not applied.
        raise TeamRuleBroken(
            _(
                "%(name)s is a superuser: their role is always Admin. Remove superuser status first "
                "(Django admin, or manage.py) to change it."
            )
            % {"name": user.get_username()}
        )
    with transaction.atomic():
        _lock_active_members()
        membership, _created = Membership.objects.select_for_update().get_or_create(user=user, defaults={"role": role})
        old = membership.role if not _created else ""
        if old == Role.ADMIN and role != Role.ADMIN and not _other_active_admins(user):
            raise TeamRuleBroken(_("The team needs at least one active admin."))
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            actor=actor,
            action="member.role",
            object_type="member",
            object_id=user.username,
            detail={"old": old, "new": role},
            tenant=PANEL,
        )


def set_active(*, actor, user, active: bool) -> int:
    """Deactivate or reactivate a member; how many of their jobs were cancelled.

    A deactivated member is signed out everywhere, their jobs that have not ended are cancelled
    and their Plcloud connection (token and password) is deleted: nothing more is sent upstream
    for them. Reactivated, they connect again themselves.
    """
    cancelled = 0
    with transaction.atomic():
        _lock_active_members()
        if not active and not _other_active_admins(user):
            raise TeamRuleBroken(_("The team needs at least one active admin."))
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            cancelled = cancel_owner_jobs(user=user)
            disconnect(user=user, actor=actor)
            end_sessions(user=user)
        record(
            actor=actor,
            action="member.activate" if active else "member.deactivate",
            object_type="member",
            object_id=user.username,
            detail={} if active else {"jobs_cancelled": cancelled},
            tenant=PANEL,
        )
    return cancelled


def end_sessions(*, user) -> int:
    """Delete the member's sessions; how many.

    Sessions are found by reading them: a team has few at a time, and expired ones are skipped.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


def set_time_zone(*, user, time_zone: str) -> None:
    """The member's own time zone for pages (accounts.zones); blank for the panel's. A display
    preference of their own, so not audited. A superuser without a membership gets one: their
    role stays Admin (role_of), whatever the row holds."""
    Membership.objects.update_or_create(
        user=user, defaults={"time_zone": time_zone}, create_defaults={"time_zone": time_zone, "role": Role.VIEWER}
    )
