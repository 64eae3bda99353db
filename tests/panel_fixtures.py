"""Members of every role, and a member connected to the sandbox, for the panel's view tests."""

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Membership, Role

PASSWORD = "correct-horse-battery-9"


def make_member(username: str, role: str | None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role:
        Membership.objects.create(user=user, role=role)
    return user


@pytest.fixture
def admin(db):
    return make_member("ada", Role.ADMIN)


@pytest.fixture
def operator(db):
    return make_member("otto", Role.OPERATOR)


@pytest.fixture
def viewer(db):
    return make_member("vera", Role.VIEWER)


@pytest.fixture
def outsider(db):
    """Signed in, but not a member of the team (no role)."""
    return make_member("olga", None)


@pytest.fixture
def members(admin, operator, viewer, outsider):
    return {"admin": admin, "operator": operator, "viewer": viewer, "outsider": outsider}


@pytest.fixture
def panel_settings(settings, sandbox):
    settings.PLCLOUD_AUTH_URL = sandbox.auth_url
    settings.PLCLOUD_AUTH_URLS = [sandbox.auth_url]
    return settings


@pytest.fixture
def connect_demo(panel_settings, sandbox):
    """Connect a member to the sandbox as the guide's demo user."""
    from connections import services

    def connect(user, *, keep: bool = False, region: str | None = None):
        return services.connect(
            user=user,
            username="demo",
            password="secreetword",
            tenant_name="demo",
            auth_url=sandbox.auth_url,
            region=region,
            keep=keep,
        )

    return connect


@pytest.fixture
def tina(db, panel_settings, sandbox):
    """An operator of the same panel connected to another Plcloud account (the sandbox's team2)."""
    from connections import services

    user = make_member("tina", Role.OPERATOR)
    services.connect(
        user=user, username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url
    )
    return user


@pytest.fixture
def op(client, operator, connect_demo):
    """An operator, connected to the sandbox as demo and signed in to the panel."""
    connect_demo(operator)
    client.force_login(operator)
    return client


@pytest.fixture
def demo(sandbox):
    """The same Plcloud account, straight through the client: to see what really happened upstream."""
    from plcloud import Client

    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as c:
        yield c


@pytest.fixture
def www(demo) -> dict:
    """The demo account's busy seeded domain (15 log entries a second), as Plcloud lists it."""
    return next(d for d in demo.cdn.list() if d["domainName"] == "www.demo-shop.com")


@pytest.fixture
def log_answers():
    """The request-log answers the panel's clients read in this thread (a page's, or an export
    step's run in the test), as they came on the wire: ``answer.raw.tell()`` is the bytes read."""
    from connections.services import _shared_session

    seen = []

    def record(response, *args, **kwargs):
        if "/cdn/request_log" in response.url:
            seen.append(response)

    hooks = _shared_session().hooks["response"]
    hooks.append(record)
    yield seen
    hooks.remove(record)
