"""Bad input to the Team page, the audit filters and the Connect page: refused with a message,
never a 500; the Connect page never calls an identity endpoint off the list."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import Role
from connections.models import PlcloudConnection
from tests.security import bad_inputs as bad
from tests.security.conftest import FUZZ, refused_with_message

# A cache key no backend takes (too long, control characters) is a bug, not a warning.
pytestmark = pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
QUERY_JUNK = st.one_of(bad.ANY_TEXT, bad.bad_integers(1, 1000), bad.oversized(300))
ROLES = {choice for choice, _label in Role.choices}


@pytest.fixture
def ada(probe_for, admin):
    return probe_for(admin)


@pytest.fixture
def vera(probe_for, viewer):
    return probe_for(viewer)


BAD_USERNAMES = st.one_of(
    st.sampled_from(["", " ", "otto", "OTTO", "ada", "a b", "a/b", "a<b", "x" * 151, bad.SCRIPT, "a\x00b", "é\u0301"]),
    bad.oversized(150),
    st.builds(lambda t: f"u{t}", st.sampled_from(list("<>\"'/\\:*?#!$%&()=[]^`{|}~,;") + ["\x00", "\u202e", "a b"])),
)
BAD_PASSWORDS = st.one_of(
    st.sampled_from(["", "short", "password", "password1", "12345678901234", "new-member", "new-member1"]),
    st.text(max_size=7),
    st.integers(10**8, 10**20).map(str),
)
BAD_EMAILS = st.one_of(
    st.sampled_from(["", " ", "not-an-address", "a@", "@example.com", "a b@example.com", bad.SCRIPT, "a\x00@b.com"]),
    st.builds(lambda t: f"{t}@example.com", bad.oversized(300)),
)
GOOD_MEMBER = {
    "username": "new-member",
    "email": "new-member@example.com",
    "password": "a-long-unusual-passphrase-93",
    "role": "viewer",
}


def a_member_was_added(response) -> bool:
    """Taken when it redirected or made a member (removed again, so each input counts alone)."""
    made = get_user_model().objects.exclude(username__in=["ada", "otto", "vera", "olga"]).delete()[0]
    return response.status_code == 302 or made > 0


@settings(FUZZ, max_examples=400)
@given(
    field=st.sampled_from(["username", "email", "password", "role"]),
    username=BAD_USERNAMES,
    email=BAD_EMAILS,
    password=BAD_PASSWORDS,
    role=bad.bad_choice.filter(lambda r: r not in ROLES),
)
def test_it_refuses_bad_new_members(ada, members, field, username, email, password, role):
    data = GOOD_MEMBER | {field: {"username": username, "email": email, "password": password, "role": role}[field]}
    if field == "username" and data["username"].strip().lower() == "new-member":
        data["username"] = "otto"  # still taken
    refused_with_message(ada.send("POST", "/team/", data, accepted=a_member_was_added))


@settings(FUZZ, max_examples=200)
@given(role=bad.bad_choice.filter(lambda r: r not in ROLES))
def test_it_refuses_bad_roles(ada, operator, role):
    def changed(response) -> bool:
        operator.membership.refresh_from_db()
        return operator.membership.role != Role.OPERATOR

    ada.send("POST", f"/team/{operator.pk}/role/", {"role": role}, accepted=changed)


@settings(FUZZ, max_examples=150)
@given(active=bad.bad_choice.filter(lambda a: a not in {"0", "1"}))
def test_it_takes_only_the_buttons_value_to_deactivate(ada, operator, active):
    def changed(response) -> bool:
        operator.refresh_from_db()
        return not operator.is_active

    ada.send("POST", f"/team/{operator.pk}/active/", {"active": active}, accepted=changed)


@settings(FUZZ, max_examples=100)
@given(pk=st.integers(min_value=10**6, max_value=10**40), what=st.sampled_from(["role", "active"]))
def test_it_answers_404_for_members_that_are_not_there(ada, pk, what):
    assert ada.send("POST", f"/team/{pk}/{what}/", {"role": "viewer", "active": "1"}).status_code == 404


AUDIT_FIELDS = ["action", "outcome", "actor", "obj", "page", "at", "from", "to"]
DATES = st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31T25:61:61", "yesterday", "-1"])


@settings(FUZZ, max_examples=350)
@given(params=st.dictionaries(st.sampled_from(AUDIT_FIELDS), st.one_of(QUERY_JUNK, DATES), min_size=1))
def test_it_filters_the_audit_log_with_any_query(ada, vera, params):
    ada.send("GET", "/audit/", params)
    vera.send("GET", "/audit/", params)


# The Connect page

OFF_LIST = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:6379/",
    "http://localhost/v2.0",
    "file:///etc/passwd",
    "gopher://127.0.0.1:25/",
    "http://[::1]/v2.0",
    "http://0x7f000001/",
    "",
]


@pytest.fixture
def connect_form(sandbox, panel_settings):
    return {"auth_url": sandbox.auth_url, "username": "demo", "password": "secreetword", "tenant_name": "demo"}


@settings(FUZZ, max_examples=500)
@given(
    field=st.sampled_from(["auth_url", "username", "password", "tenant_name", "keep"]),
    junk=st.data(),
)
def test_it_refuses_bad_connections(vera, viewer, connect_form, field, junk):
    values = {
        "auth_url": st.one_of(
            st.sampled_from(OFF_LIST),
            st.sampled_from(["/x", "?x=1", "/../", "@evil.example", "#"]).map(lambda s: connect_form["auth_url"] + s),
            bad.ANY_TEXT,
        ),
        "username": st.one_of(st.sampled_from(["", " "]), bad.oversized(255), st.just("de\x00mo")),
        "password": st.one_of(st.just(""), bad.oversized(1024), st.just("secreet\x00word")),
        "tenant_name": st.one_of(st.sampled_from(["", " "]), bad.oversized(255), st.just("de\x00mo")),
        # A bad "keep" alone is just unticked: pair it with a missing password.
        "keep": bad.ANY_TEXT,
    }
    data = connect_form | {field: junk.draw(values[field])}
    if field == "keep":
        data["password"] = ""
    if data["auth_url"] == connect_form["auth_url"] and field == "auth_url":
        data["auth_url"] = OFF_LIST[0]
    refused_with_message(vera.send("POST", "/connection/", data, accepted=lambda r: r.status_code == 302))
    assert not PlcloudConnection.objects.filter(user=viewer).exists()


@settings(FUZZ, max_examples=200)
@given(region=bad.bad_choice)
def test_it_refuses_a_region_off_the_catalog(vera, viewer, connect_demo, region):
    connection = PlcloudConnection.objects.filter(user=viewer).first() or connect_demo(viewer)
    if region in connection.endpoints:
        return

    def switched(response) -> bool:
        return any("Now working in" in str(m) for m in get_messages(response.wsgi_request))

    vera.send("POST", "/connection/region/", {"region": region}, accepted=switched)
    connection.refresh_from_db()
    assert connection.endpoint == connection.endpoints[connection.region]
