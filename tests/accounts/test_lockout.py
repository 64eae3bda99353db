"""Sign-in throttling, counted three ways (accounts/lockout.py): a username from one address, one
address whatever the usernames, one username from any address but those the member uses."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command
from django.test import Client

from tests.panel_fixtures import PASSWORD

OFFICE, ATTACKER, HOME = "198.51.100.20", "203.0.113.7", "192.0.2.44"
ADDRESS_LOCKED = "Too many failed sign-in attempts from your network address."
ACCOUNT_LOCKED = "Too many failed sign-in attempts. This account is locked"


class CountingHasher(MD5PasswordHasher):
    """The tests' MD5 hasher, counting the passwords it hashes or checks."""

    used = 0

    def encode(self, password, salt):
        CountingHasher.used += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        CountingHasher.used += 1
        return super().verify(password, encoded)


@pytest.fixture
def hashing(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.used = 0
    return CountingHasher


def sign_in(username: str, password: str, address: str, **headers):
    """A sign-in from a browser of its own at ``address``: the answer and whether it signed in."""
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": username, "password": password}, headers=headers)
    return response, "_auth_user_id" in client.session


def refused(response, text: str) -> bool:
    return response.status_code == 429 and text in response.content.decode()


def test_spraying_usernames_from_one_address_stops_at_its_limit_without_checking_a_password(settings, viewer, hashing):
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        response, signed_in = sign_in(f"guess{n}", "Summer2026!", ATTACKER)
        assert response.status_code == 200 and not signed_in
    assert hashing.used == settings.AXES_IP_FAILURE_LIMIT  # each guess hashed once
    for username, password in [("guess-next", "Summer2026!"), ("vera", PASSWORD)]:
        response, signed_in = sign_in(username, password, ATTACKER)
        assert refused(response, ADDRESS_LOCKED) and not signed_in
    assert hashing.used == settings.AXES_IP_FAILURE_LIMIT  # and the refused ones not at all
    assert sign_in("vera", PASSWORD, OFFICE)[1]  # nobody elsewhere is held back


def test_an_ipv6_client_counts_as_its_network(settings, viewer):
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        sign_in(f"guess{n}", "Summer2026!", f"2001:db8:7:1::{n + 1:x}")
    response, signed_in = sign_in("vera", PASSWORD, "2001:db8:7:1:ffff::1")
    assert refused(response, ADDRESS_LOCKED) and not signed_in
    assert sign_in("vera", PASSWORD, "2001:db8:7:2::1")[1]


def test_behind_the_proxy_a_client_counts_by_the_address_the_proxy_appended(settings, viewer):
    settings.PANEL_BEHIND_PROXY = True
    proxy = "10.0.0.2"  # every request comes from the proxy
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        # What the client put in X-Forwarded-For itself changes nothing.
        sign_in(f"guess{n}", "Summer2026!", proxy, x_forwarded_for=f"192.0.2.{n}, {ATTACKER}")
    response, signed_in = sign_in("vera", PASSWORD, proxy, x_forwarded_for=ATTACKER)
    assert refused(response, ADDRESS_LOCKED) and not signed_in
    assert sign_in("vera", PASSWORD, proxy, x_forwarded_for=OFFICE)[1]


def test_an_attacker_locks_the_admin_out_of_the_attackers_address_only(settings, admin):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("ada", "wrong-password", ATTACKER)
    response, signed_in = sign_in("ada", PASSWORD, ATTACKER)
    assert refused(response, ACCOUNT_LOCKED) and not signed_in
    assert sign_in("ada", PASSWORD, OFFICE)[1]


def test_guesses_from_many_addresses_lock_the_admin_out_of_new_ones_but_not_of_where_they_sign_in(settings, admin):
    assert sign_in("ada", PASSWORD, OFFICE)[1]  # the admin's usual address
    per_address = settings.AXES_FAILURE_LIMIT
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT // per_address):
        for _ in range(per_address):
            sign_in("ada", "wrong-password", f"203.0.113.{100 + n}")
    response, signed_in = sign_in("ada", PASSWORD, HOME)  # never signed in from here
    assert refused(response, ACCOUNT_LOCKED) and not signed_in
    assert sign_in("ada", PASSWORD, OFFICE)[1]


def test_a_locked_members_retries_count_nothing_so_the_office_can_still_sign_in(settings, viewer, operator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("vera", "wrong-password", OFFICE)
    for _ in range(settings.AXES_IP_FAILURE_LIMIT):
        assert refused(sign_in("vera", PASSWORD, OFFICE)[0], ACCOUNT_LOCKED)
    assert sign_in("otto", PASSWORD, OFFICE)[1]


def test_an_admin_lets_a_locked_member_or_address_back_in_with_axes_commands(settings, admin, viewer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("ada", "wrong-password", OFFICE)
    assert not sign_in("ada", PASSWORD, OFFICE)[1]
    call_command("axes_reset_username", "ada")
    assert sign_in("ada", PASSWORD, OFFICE)[1]

    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        sign_in(f"guess{n}", "Summer2026!", ATTACKER)
    assert not sign_in("vera", PASSWORD, ATTACKER)[1]
    call_command("axes_reset_ip", ATTACKER)
    assert sign_in("vera", PASSWORD, ATTACKER)[1]
