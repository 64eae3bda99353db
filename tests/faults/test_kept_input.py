"""The forms that queue a job (flush, prefetch, log export) when Plcloud fails as the member
presses Send: what they typed comes back in the fields, the page says nothing was queued or sent,
and its "Try again" queues the job once Plcloud answers; one job, each change sent upstream once."""

import re
import uuid

import pytest
from django.core.cache import cache

from jobs.models import Job
from tests.jobs.conftest import run_to_end

# A server error, and an answer slower than the read timeout (set to 1 s below).
FAULTS = {
    "error": ({"error_rate": 1.0}, "Plcloud is not reachable right now. Nothing was lost; try again in a minute."),
    "timeout": ({"latency_ms": 2500}, "Plcloud did not answer within 1 seconds. Try again in a minute."),
}
NOT_SENT = "Nothing was queued and nothing was sent to Plcloud"
TRY_AGAIN = re.compile(r'<button type="submit"(?: name="action" value="(\w+)")? class="primary" id="try-again">')


def _forms(objects: dict) -> list[tuple[str, dict, list[str]]]:
    """(path, the fields posted by Send, what the page must show again)."""
    domain, name, tag = objects["domain_id"], objects["domain_name"], uuid.uuid4().hex[:8]
    url, folder = f"http://{name}/kept-{tag}.js", f"http://{name}/kept-{tag}/"
    window = {"log_type": "origin", "start_at": "2026-11-30T08:00", "end_at": "2026-11-30T09:00"}
    return [
        (f"/jobs/flush/new/?domain={domain}", {"urls": url, "dirs": folder, "action": "send"},
         [f"{url}</textarea>", f"{folder}</textarea>"]),
        ("/jobs/prefetch/new/", {"urls": url, "action": "send"}, [f"{url}</textarea>"]),
        (f"/cdn/{domain}/logs/export/", {**window, "url_contains": f"kept-{tag}"},
         [f'value="kept-{tag}"', 'name="log_type" value="origin"', 'value="2026-11-30T08:00"']),
    ]  # fmt: skip


def _changes(sandbox) -> list[dict]:
    """The changes Plcloud received (a sign-in is not one)."""
    return [
        c for c in sandbox.requests_seen()["requests"]
        if c["method"] in ("POST", "PUT", "DELETE") and not c["path"].endswith("/tokens")
    ]  # fmt: skip


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_job_form_keeps_its_input_when_plcloud_fails_at_send_and_tries_again(
    member, operator, sandbox, settings, upstream_objects, fault
):
    settings.PLCLOUD_READ_TIMEOUT = 1
    faults, message = FAULTS[fault]
    for path, fields, kept in _forms(upstream_objects):
        cache.clear()  # each form on its own, with the breaker closed
        sandbox.set_faults(**faults, scope="service")
        sandbox.forget_requests()
        jobs_before = Job.objects.count()
        response = member.post(path, fields)
        page = response.content.decode()
        assert response.status_code == 200, path
        assert message in page, path
        assert all(text in page for text in kept), path
        button = TRY_AGAIN.search(page)
        assert button and button.group(1) in (None, "send"), path  # tries Send again, not only Review
        assert NOT_SENT in page or "The export was not queued" in page, path
        assert Job.objects.count() == jobs_before and _changes(sandbox) == [], path

        sandbox.clear_faults()
        cache.clear()
        again = member.post(path, fields)  # what "Try again" posts: the kept fields, the same action
        job = Job.objects.latest("pk")
        assert again.status_code == 302 and again["Location"] == f"/jobs/{job.pk}/", path
        assert Job.objects.count() == jobs_before + 1 and job.owner == operator, path
    flush = Job.objects.filter(kind="flush").latest("pk")
    sandbox.forget_requests()
    run_to_end(flush)
    assert flush.state == "succeeded" and len(_changes(sandbox)) == 1  # the flush went out once


def test_a_change_that_may_have_been_made_keeps_the_input_and_links_where_to_check(member, sandbox, upstream_objects):
    """A create whose answer was lost is not sent again by the panel: the form keeps what was
    typed, says the change may have been made, links where to check, and offers to try again."""
    sandbox.set_faults(drop_rate=1.0, scope="service")
    name, summary = f"f{uuid.uuid4().hex[:10]}.faults-test.com", f"Kept {uuid.uuid4().hex[:8]}"
    forms = [
        ("/cdn/new/", {"domain": name, "origin_ips": "114.114.114.114", "areas": ["hk"], "type": "web"},
         f'value="{name}"', 'href="/cdn/"', "Try again"),
        ("/tickets/new/", {"summary": summary, "description": "Kept too."},
         f'value="{summary}"', 'href="/tickets/"', "Retry opening the ticket"),
    ]  # fmt: skip
    for path, fields, kept, check, retry in forms:
        cache.clear()
        sandbox.forget_requests()
        page = member.post(path, fields).content.decode()
        assert "The change may have been made: check before trying again." in page, path
        assert kept in page and retry in page, path
        link = re.search(r'<p id="check-first">[^<]*<a href="([^"]+)" target="_blank"', page)
        assert link and f'href="{link.group(1)}"' == check, path
        assert len(_changes(sandbox)) == 1, path  # sent once, not again by the panel
