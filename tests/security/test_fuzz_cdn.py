"""Bad input to every CDN form and query parameter: refused with a message, never a 500, never a
write upstream (the sandbox counts what reaches it)."""

import contextlib
import uuid

import pytest
from django.conf import settings as dj_settings
from django.contrib.messages import get_messages
from hypothesis import given, settings
from hypothesis import strategies as st

from cdn.models import BudgetAlert
from plcloud import Client, NotFound
from tests.security import bad_inputs as bad
from tests.security.conftest import FUZZ, redirected, refused_with_message

# A cache key no backend takes (too long, control characters) is a bug, not a warning.
pytestmark = pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
GOOD = {"domain": "fuzz-never-made.example.com", "origin_ips": "114.114.114.114", "areas": ["hk"], "type": "web"}
AREAS, TYPES = {"cn", "hk", "ov"}, {"web", "download", "media"}


def said(*texts: str):
    """Accepted when one of the page's next messages holds one of ``texts``."""

    def check(response) -> bool:
        return any(text in str(message) for message in get_messages(response.wsgi_request) for text in texts)

    return check


@pytest.fixture(scope="module")
def own_domain(sandbox):
    """A domain of the operator's account (demo), so a form bound to it has something to refuse;
    deleted at the end, so the sandbox's domain list (shared by the whole run) stays as it was."""
    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as demo:
        domain = demo.cdn.create(f"f{uuid.uuid4().hex[:10]}.fuzz-test.com", ["114.114.114.114"], ["hk"])
        yield domain
        with contextlib.suppress(NotFound):
            demo.cdn.delete(domain["domainId"])


@pytest.fixture(scope="module")
def team2_objects(sandbox):
    """Another Plcloud account's domain id and common-URL id, for guessing."""
    with Client(username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url) as c:
        domain = c.cdn.list()[0]
        url = c.cdn.create_urls([f"https://{domain['domainName']}/team2-only.js"])[0]
        return {"domain_id": domain["domainId"], "url_id": url["id"]}


one_bad_field = st.one_of(
    st.tuples(st.just("domain"), bad.bad_domain_names),
    st.tuples(st.just("origin_ips"), bad.bad_origin_ips),
    st.tuples(st.just("areas"), st.lists(bad.bad_choice.filter(lambda a: a not in AREAS), min_size=1, max_size=3)),
    st.tuples(st.just("areas"), st.just([])),
    st.tuples(st.just("type"), bad.bad_choice.filter(lambda t: t not in TYPES)),
    st.tuples(st.just("icp_record"), bad.bad_icp),
    st.tuples(st.just("areas"), st.just(["cn", "hk"])),  # mainland China without an ICP record
)


@settings(FUZZ, max_examples=1000)
@given(fields=st.lists(one_bad_field, min_size=1, max_size=3))
def test_it_refuses_bad_domains_to_create(otto, fields):
    data = GOOD | dict(fields)
    refused_with_message(otto.send("POST", "/cdn/new/", data, accepted=redirected))


@settings(FUZZ, max_examples=300)
@given(fields=st.lists(one_bad_field.filter(lambda f: f[0] not in {"domain", "type"}), min_size=1, max_size=2))
def test_it_refuses_bad_edits_of_a_domain(otto, own_domain, fields):
    data = {f"edit-{key}": value for key, value in (GOOD | dict(fields)).items() if key not in {"domain", "type"}}
    refused_with_message(otto.send("POST", f"/cdn/{own_domain['domainId']}/", data, accepted=redirected))


@settings(FUZZ, max_examples=400)
@given(
    action=st.one_of(st.sampled_from(["enable", "disable", "delete"]), bad.bad_choice),
    ids=st.lists(st.one_of(bad.bad_integers(1, 10**18), st.sampled_from(["team2", "unknown"])), max_size=4),
    with_own=st.booleans(),
)
def test_it_refuses_bad_batches(otto, own_domain, team2_objects, action, ids, with_own):
    ids = [str(team2_objects["domain_id"]) if i == "team2" else "999999999" if i == "unknown" else i for i in ids]
    if with_own:
        ids.append(str(own_domain["domainId"]))
    if action in {"enable", "disable", "delete"} and ids == [str(own_domain["domainId"])]:
        ids.append(str(team2_objects["domain_id"]))  # at least one bad part, always
    # As the confirmation page sends it, a number typed too: only the selection can be wrong.
    sent = {"action": action, "ids": ids, "confirmed": "1", "typed": str(len(set(ids)))}
    otto.send("POST", "/cdn/batch/", sent, accepted=said("Done for"))


@settings(FUZZ, max_examples=500)
@given(flow=st.one_of(bad.bad_integers(1, 100_000), st.just("10")), confirm=st.sampled_from(["on", "", "false", None]))
def test_it_refuses_bad_recharges(otto, flow, confirm):
    data = {"flow": flow} | ({"confirm": confirm} if confirm is not None else {})
    if flow == "10" and confirm == "on":
        data["confirm"] = ""  # a good amount is still refused without the confirmation
    refused_with_message(otto.send("POST", "/cdn/balance/", data, accepted=redirected))


@settings(FUZZ, max_examples=800)
@given(days=bad.bad_integers(1, 365))
def test_it_refuses_bad_budget_warnings(otto, operator, days):
    otto.send("POST", "/cdn/balance/alert/", {"alert-warn_days": days}, accepted=said("Budget warning saved"))
    assert not BudgetAlert.objects.filter(user=operator).exists()


@settings(FUZZ, max_examples=550)
@given(text=st.one_of(bad.bad_url_list("www.demo-shop.com"), st.sampled_from(["", " ", "\n"])))
def test_it_refuses_bad_common_url_lists(otto, text):
    response = otto.send("POST", "/cdn/urls/", {"urls": text}, accepted=redirected)
    if len(text.encode()) > dj_settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        assert response.status_code == 413  # refused before any view sees it (ops.views.bad_request)
    else:
        refused_with_message(response)


@settings(FUZZ, max_examples=400)
@given(ids=st.lists(st.one_of(bad.bad_integers(1, 10**18), st.just("team2")), min_size=0, max_size=4))
def test_it_deletes_no_common_url_it_was_not_given(otto, team2_objects, ids):
    ids = [str(team2_objects["url_id"]) if i == "team2" else i for i in ids]
    otto.send("POST", "/cdn/urls/delete/", {"ids": ids}, accepted=said("URLs deleted"))


QUERY_JUNK = st.one_of(bad.ANY_TEXT, bad.bad_integers(1, 1000), bad.oversized(300))


@settings(FUZZ, max_examples=500)
@given(q=QUERY_JUNK, page=QUERY_JUNK)
def test_it_searches_common_urls_with_any_query(otto, q, page):
    otto.send("GET", "/cdn/urls/", {"q": q, "page": page})


@settings(FUZZ, max_examples=700)
@given(params=st.dictionaries(st.sampled_from(["status", "area", "q", "sort", "page", "x"]), QUERY_JUNK, min_size=1))
def test_it_lists_domains_with_any_query(otto, params):
    otto.send("GET", "/cdn/", params)


@settings(FUZZ, max_examples=250)
@given(n=QUERY_JUNK)
def test_it_polls_a_domain_row_with_any_attempt_count(otto, own_domain, n):
    otto.send("GET", f"/cdn/{own_domain['domainId']}/row/", {"n": n})


DATES = st.one_of(
    st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31T25:61:61", "-1", "1e20", "yesterday"]),
    bad.bad_integers(0, 2**31),
)


@settings(FUZZ, max_examples=250)
@given(period=QUERY_JUNK, start=DATES, end=DATES)
def test_it_shows_traffic_for_any_period_and_dates(otto, own_domain, period, start, end):
    otto.send("GET", f"/cdn/{own_domain['domainId']}/flow/", {"period": period, "start_at": start, "end_at": end})


@settings(FUZZ, max_examples=150)
@given(period=QUERY_JUNK)
def test_it_sums_account_traffic_for_any_period(otto, period):
    otto.send("GET", "/cdn/traffic/", {"period": period})


@settings(FUZZ, max_examples=150)
@given(domain_id=st.integers(min_value=10**9, max_value=10**40), what=st.sampled_from(["", "row/", "flow/"]))
def test_it_answers_404_for_domain_ids_that_are_not_there(otto, domain_id, what):
    assert otto.send("GET", f"/cdn/{domain_id}/{what}").status_code in {404, 286}


@settings(FUZZ, max_examples=150)
@given(enable=bad.bad_choice.filter(lambda e: e not in {"0", "1"}))
def test_it_takes_only_the_buttons_value_to_enable_or_disable(otto, own_domain, enable):
    otto.send(
        "POST",
        f"/cdn/{own_domain['domainId']}/toggle/",
        {"enable": enable, "confirmed": "1"},
        accepted=said("Enabling", "Disabling"),
    )


@settings(FUZZ, max_examples=150)
@given(confirm=st.one_of(bad.ANY_TEXT, bad.bad_domain_names, bad.oversized(253)))
def test_it_deletes_no_domain_without_its_name_typed(otto, own_domain, confirm):
    if confirm.strip().lower() == own_domain["domainName"]:
        return
    response = otto.send("POST", f"/cdn/{own_domain['domainId']}/delete/", {"delete-confirm": confirm})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


BAD_WINDOW_TIMES = st.one_of(
    bad.ANY_TEXT,
    st.sampled_from(["2026-13-01T00:00", "2026-02-30T10:00", "0000-01-01T00:00", "9999-12-31T23:59:60", "yesterday"]),
    bad.oversized(200),
)


def log_windows() -> st.SearchStrategy[dict]:
    """A window and filters, at least one field wrong: bad times, a window backwards or over 31
    days, a log type, status class or cache state not offered, control characters in "URL contains"."""
    good = {"log_type": "cache", "start_at": "2026-11-01T00:00", "end_at": "2026-11-01T01:00"}
    return st.one_of(
        st.builds(lambda v: good | {"start_at": v}, BAD_WINDOW_TIMES),
        st.builds(lambda v: good | {"end_at": v}, BAD_WINDOW_TIMES),
        st.just(good | {"end_at": "2026-10-31T23:00"}),
        st.just(good | {"end_at": "2026-12-05T00:00"}),
        st.builds(lambda v: good | {"log_type": v}, bad.ANY_TEXT.filter(lambda v: v not in ("cache", "origin"))),
        st.builds(
            lambda v: good | {"status_class": v},
            bad.ANY_TEXT.filter(lambda v: v not in ("", "2xx", "3xx", "4xx", "5xx")),
        ),
        st.builds(
            lambda v: good | {"cache_state": v}, bad.ANY_TEXT.filter(lambda v: v not in ("", "HIT", "MISS", "EXPIRED"))
        ),
        st.builds(lambda v: good | {"url_contains": "a" + v}, bad.CONTROL),
        st.builds(lambda v: good | {"url_contains": v}, bad.oversized(200)),
    )


@settings(FUZZ, max_examples=300)
@given(window=log_windows(), export=st.booleans())
def test_it_refuses_bad_log_windows_without_reading_or_exporting(otto, www, window, export):
    from jobs.models import Job

    def queued(response) -> bool:  # removed again, so each input counts alone
        return Job.objects.all().delete()[0] > 0

    path = f"/cdn/{www['domainId']}/logs/" + ("export/" if export else "")
    response = otto.send("POST" if export else "GET", path, window, accepted=queued)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


@settings(FUZZ, max_examples=150)
@given(after=st.one_of(bad.ANY_TEXT, bad.oversized(4000), st.just("eyJhIjoxfQ:1abc:def")))
def test_a_forged_log_position_is_refused_here(otto, www, after):
    q = {"log_type": "cache", "start_at": "2026-11-01T00:00", "end_at": "2026-11-01T00:10", "after": after}
    response = otto.send("GET", f"/cdn/{www['domainId']}/logs/", q)
    assert response.status_code == 200
