"""Bad input to the ticket and job forms and filters: refused with a message, never a 500, never
a write upstream, never a job queued."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connections.services import client_for
from jobs.models import Job
from tests.security import bad_inputs as bad
from tests.security.conftest import FUZZ, redirected, refused_with_message

# A cache key no backend takes (too long, control characters) is a bug, not a warning.
pytestmark = pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning")
QUERY_JUNK = st.one_of(bad.ANY_TEXT, bad.bad_integers(1, 1000), bad.oversized(300))
WWW = "www.demo-shop.com"


@pytest.fixture
def ada(probe_for, admin, connect_demo):
    connect_demo(admin)
    return probe_for(admin)


@pytest.fixture
def own_ticket(otto, operator):
    return client_for(operator).ticket.create("Fuzzing the reply form", "Nothing is wrong.")


def empty_or_blank() -> st.SearchStrategy[str]:
    # Python's str.strip() is what the form strips: these become empty.
    return st.text(alphabet=" \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2000\u3000", max_size=5)


def bad_text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(empty_or_blank(), bad.oversized(limit), st.builds(lambda t: f"{t}\x00{t}", bad.ANY_TEXT))


@settings(FUZZ, max_examples=700)
@given(
    summary=st.one_of(bad_text(200), bad.ANY_TEXT),
    description=st.one_of(bad_text(10_000), bad.ANY_TEXT),
    which=st.sampled_from(["summary", "description", "both"]),
    data=st.data(),
)
def test_it_refuses_bad_new_tickets(otto, summary, description, which, data):
    if which in {"summary", "both"}:
        summary = data.draw(bad_text(200))
    if which in {"description", "both"}:
        description = data.draw(bad_text(10_000))
    form = {"summary": summary, "description": description}
    refused_with_message(otto.send("POST", "/tickets/new/", form, accepted=redirected))


@settings(FUZZ, max_examples=200)
@given(summary=QUERY_JUNK, description=st.one_of(QUERY_JUNK, bad.oversized(10_000)))
def test_it_prefills_a_new_ticket_from_any_query(otto, summary, description):
    otto.send("GET", "/tickets/new/", {"summary": summary, "description": description})


@settings(FUZZ, max_examples=200)
@given(content=bad_text(10_000))
def test_it_refuses_bad_replies(otto, own_ticket, content):
    refused_with_message(
        otto.send("POST", f"/tickets/{own_ticket['id']}/reply/", {"content": content}, accepted=redirected)
    )


@settings(FUZZ, max_examples=250)
@given(params=st.dictionaries(st.sampled_from(["status", "q", "user_id", "page"]), QUERY_JUNK, min_size=1))
def test_it_filters_tickets_with_any_query(otto, ada, params):
    otto.send("GET", "/tickets/", params)
    ada.send("GET", "/tickets/", params)  # an admin also has the user-id filter


@settings(FUZZ, max_examples=100)
@given(ticket_id=st.from_regex(r"tk-[0-9a-f]{1,32}", fullmatch=True), what=st.sampled_from(["accept/", "close/"]))
def test_it_changes_no_ticket_that_is_not_there(otto, ticket_id, what):
    response = otto.send("POST", f"/tickets/{ticket_id}/{what}", accepted=redirected)
    assert response.status_code == 404


# Jobs


@pytest.fixture
def www(demo) -> dict:
    return next(d for d in demo.cdn.list() if d["domainName"] == WWW)


def no_job_made(response) -> bool:
    """Taken when it redirected to a job or made one (removed again, so each input counts alone)."""
    made = Job.objects.all().delete()[0]
    return response.status_code == 302 or made > 0


JOB_LINES = (
    bad.not_http_lines(WWW)
    + bad.malformed_lines(WWW)
    + [
        f"https://{WWW}/a\x00b",
        "https://other.example.com/a.js",
        f"https://{WWW}.evil.example/a.js",
    ]
)


def flush_lists(lines: list[str]) -> st.SearchStrategy[dict]:
    good_dirs = [f"https://{WWW}/fuzz/"]
    bad_dirs = [f"https://{WWW}/no-slash", "https://other.example.com/dir/", "dir/", "/", "*"]
    return st.one_of(
        st.fixed_dictionaries({"urls": bad.bad_url_list(WWW, lines=lines), "dirs": st.sampled_from(["", *good_dirs])}),
        st.fixed_dictionaries(
            {"urls": st.sampled_from(["", f"https://{WWW}/a.js"]), "dirs": st.sampled_from(bad_dirs + lines)}
        ),
        st.just({"urls": "", "dirs": ""}),
    )


@settings(FUZZ, max_examples=300)
@given(form=flush_lists(JOB_LINES), action=st.sampled_from(["send", "plan"]))
def test_it_refuses_bad_flushes(otto, www, form, action):
    url = f"/jobs/flush/new/?domain={www['domainId']}"
    response = otto.send("POST", url, form | {"action": action}, accepted=no_job_made)
    assert response.status_code in {200, 400}


PREFETCH_LISTS = st.one_of(bad.bad_url_list(WWW, lines=JOB_LINES), st.sampled_from(["", " ", "\n"]))


@settings(FUZZ, max_examples=500)
@given(urls=PREFETCH_LISTS, action=st.sampled_from(["send", "plan"]))
def test_it_refuses_bad_prefetches(otto, urls, action):
    response = otto.send("POST", "/jobs/prefetch/new/", {"urls": urls, "action": action}, accepted=no_job_made)
    assert response.status_code in {200, 400}


@pytest.mark.parametrize("line", [line for line in bad.malformed_lines(WWW) if "\x00" not in line])
def test_jobs_refuse_malformed_urls(client, operator, connect_demo, www, line):
    connect_demo(operator)
    client.force_login(operator)
    client.post("/jobs/prefetch/new/", {"urls": line, "action": "send"})
    client.post(f"/jobs/flush/new/?domain={www['domainId']}", {"urls": line, "action": "send"})
    assert not Job.objects.exists()


def odd_digits(text: str) -> bool:
    """What str.isdigit() passes but int() refuses: "²", or more than 4,300 digits."""
    return text.isdigit() and (not text.isascii() or len(text) > 4300)


@settings(FUZZ, max_examples=150)
@given(domain=QUERY_JUNK.filter(lambda d: not odd_digits(d)), what=st.sampled_from(["flush", "prefetch"]))
def test_it_opens_the_job_forms_with_any_domain_query(otto, domain, what):
    assert otto.send("GET", f"/jobs/{what}/new/", {"domain": domain}).status_code in {200, 404}


@pytest.mark.parametrize("domain", ["²", "9" * 5000])
def test_the_flush_form_answers_404_for_odd_digits(client, operator, connect_demo, domain):
    connect_demo(operator)
    client.force_login(operator)
    assert client.get("/jobs/flush/new/", {"domain": domain}).status_code == 404
