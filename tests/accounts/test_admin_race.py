"""Two admins acting on each other at the same moment, each from their own browser: the team is
never left without an active admin. Real concurrent requests, each thread with its own database
connection (on PostgreSQL the rule holds under row locks; on SQLite one transaction writes at a time)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from accounts.models import Membership, Role
from accounts.roles import role_of
from tests.panel_fixtures import make_member

ROUNDS = 12
REFUSED = "The team needs at least one active admin."


def at_once(requests: list[tuple[object, str, dict]]) -> list[tuple[int, str, str]]:
    """Each (member, path, data) posted by the member's own signed-in browser, all released
    together; for each, the answer's status and Location, and the page the browser shows next
    (with the message the change left)."""
    barrier = threading.Barrier(len(requests))
    pages: list[tuple[int, str, str]] = [(0, "", "")] * len(requests)
    errors: list[BaseException] = []

    def post(index: int, member, path: str, data: dict) -> None:
        try:
            browser = Client()
            browser.force_login(member)
            barrier.wait(timeout=30)
            answer = browser.post(path, data)
            then = browser.get("/", follow=True).content.decode()
            pages[index] = (answer.status_code, answer.get("Location", ""), then)
        except BaseException as error:  # re-raised in the test's thread
            barrier.abort()
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=post, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return pages


def told_no(outcome: tuple[int, str, str]) -> bool:
    """Refused with the reason; or, when the other's change had already gone through before this
    request was let in, refused as no longer an admin (403) or signed out (deactivated)."""
    status, location, page = outcome
    return REFUSED in page or status == 403 or location.startswith("/accounts/login/")


def admins_again(*members) -> None:
    get_user_model().objects.filter(pk__in=[m.pk for m in members]).update(is_active=True)
    Membership.objects.filter(user__in=members).update(role=Role.ADMIN)


def active_admins() -> list[str]:
    users = get_user_model().objects.select_related("membership").order_by("username")
    return [user.username for user in users if role_of(user) == Role.ADMIN]


@pytest.mark.django_db(transaction=True)
def test_two_admins_deactivating_each_other_at_once_leave_one_active_admin():
    ada, bea = make_member("ada", Role.ADMIN), make_member("bea", Role.ADMIN)
    for round_ in range(ROUNDS):
        admins_again(ada, bea)
        ada_said, bea_said = at_once(
            [(ada, f"/team/{bea.pk}/active/", {"active": "0"}), (bea, f"/team/{ada.pk}/active/", {"active": "0"})]
        )
        left = active_admins()
        assert len(left) == 1, f"round {round_}: active admins {left}"
        # The one left is the one whose change went through; the other was told why not.
        kept, refused = (ada_said, bea_said) if left == ["ada"] else (bea_said, ada_said)
        assert told_no(refused) and kept[1] == "/team/" and REFUSED not in kept[2], f"round {round_}"


@pytest.mark.django_db(transaction=True)
def test_an_admin_demoting_the_other_while_being_deactivated_leaves_one_active_admin():
    ada, bea = make_member("ada", Role.ADMIN), make_member("bea", Role.ADMIN)
    for round_ in range(ROUNDS):
        admins_again(ada, bea)
        ada_said, bea_said = at_once(
            [(ada, f"/team/{bea.pk}/role/", {"role": "operator"}), (bea, f"/team/{ada.pk}/active/", {"active": "0"})]
        )
        left = active_admins()
        assert len(left) == 1, f"round {round_}: active admins {left}"
        kept, refused = (ada_said, bea_said) if left == ["ada"] else (bea_said, ada_said)
        assert told_no(refused) and kept[1] == "/team/" and REFUSED not in kept[2], f"round {round_}"
