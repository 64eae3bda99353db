"""/cdn/<id>/logs/: a window of the request log, 100 matching entries a page, and queuing its export."""

import logging
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from cdn import logs
from cdn.logs import Cursor
from jobs.models import Export, Job
from plcloud.log_window import LogWindow, Position


@pytest.fixture(params=["default", "sdk"])
def sandbox(request, sandbox):
    """Every test here against both wire profiles: the sandbox's paging, and the SDK's one list."""
    return sandbox if request.param == "default" else request.getfixturevalue("sdk_sandbox")


def query(**extra) -> dict:
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    base = {
        "log_type": "cache",
        "start_at": f"{end - timedelta(minutes=10):%Y-%m-%dT%H:%M}",
        "end_at": f"{end:%Y-%m-%dT%H:%M}",
    }
    return {**base, **extra}


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr><td><time", body)


def next_link(page: str) -> str | None:
    found = re.search(r'<a href="\?([^"]+)" rel="next"', page)
    return unescape(found.group(1)) if found else None


def test_it_shows_the_first_hundred_entries_with_a_link_to_the_next(op, www, demo):
    q = query()
    page = op.get(f"/cdn/{www['domainId']}/logs/", q).content.decode()
    assert len(rows(page)) == 100 and "100 entries shown, 100 read." in page
    first_wire = demo.cdn.request_log_page(
        www["domainId"], "cache", q["start_at"] + ":00Z", q["end_at"] + ":00Z", limit=101
    )[0]
    assert first_wire[0]["url"] in unescape(page)
    second = op.get(f"/cdn/{www['domainId']}/logs/?{next_link(page)}").content.decode()
    assert len(rows(second)) == 100 and first_wire[100]["time"] in second and "First page" in second


def test_filters_keep_only_matching_entries_across_upstream_pages(op, www):
    page = op.get(f"/cdn/{www['domainId']}/logs/", query(status_class="5xx", cache_state="MISS")).content.decode()
    statuses = re.findall(r"</code></td><td>(\d+)</td><td>(\w+)</td>", page)
    assert statuses and all(s.startswith("5") and c == "MISS" for s, c in statuses)


def test_a_bad_window_is_answered_on_the_form_and_nothing_is_read(op, www, caplog):
    caplog.set_level(logging.DEBUG, logger="plcloud")
    start = timezone.now() - timedelta(days=40)
    bad = {"start_at": f"{start:%Y-%m-%dT%H:%M}", "end_at": f"{timezone.now():%Y-%m-%dT%H:%M}", "log_type": "cache"}
    response = op.get(f"/cdn/{www['domainId']}/logs/", bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "A window is at most 31 days long." in page and f'value="{bad["start_at"]}"' in page
    backwards = op.get(f"/cdn/{www['domainId']}/logs/", {**bad, "end_at": bad["start_at"]}).content.decode()
    assert "The end must be after the start." in backwards
    assert "request_log" not in caplog.text


def test_a_tampered_page_link_is_refused_here_not_sent_upstream(op, www, caplog):
    caplog.set_level(logging.DEBUG, logger="plcloud")
    q = query()
    window = LogWindow(None, str(www["domainId"]), "cache", q["start_at"], q["end_at"], sizing=logs.PLAIN)
    forged = Cursor(Position(window.start, 60.0, "not-a-marker"), 0).sign(window)[:-3] + "abc"
    page = op.get(f"/cdn/{www['domainId']}/logs/", query(after=forged)).content.decode()
    assert "That page link is damaged or out of date" in page
    assert "not-a-marker" not in caplog.text


def test_a_page_link_of_another_window_is_refused_and_the_first_page_shown(op, www):
    shown = op.get(f"/cdn/{www['domainId']}/logs/", query()).content.decode()
    after = parse_qs(next_link(shown))["after"][0]
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    other = query(start_at=f"{end - timedelta(minutes=10):%Y-%m-%dT%H:%M}", end_at=f"{end:%Y-%m-%dT%H:%M}")
    page = op.get(f"/cdn/{www['domainId']}/logs/", {**other, "after": after}).content.decode()
    assert "That page link is damaged or out of date" in page and len(rows(page)) == 100
    assert f"{end - timedelta(minutes=10):%Y-%m-%dT%H:%M}" in unescape(page)


def test_a_filtered_page_reads_a_bounded_number_of_bounded_answers_and_says_it_stopped(op, www, log_answers):
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    window = {"start_at": f"{end - timedelta(hours=2):%Y-%m-%dT%H:%M}", "end_at": f"{end:%Y-%m-%dT%H:%M}"}
    page = op.get(f"/cdn/{www['domainId']}/logs/", query(url_contains="in-no-url-at-all", **window)).content.decode()
    assert "The scan stopped here to stay quick" in page and 'id="log-next"' in page and "Read further" in page
    read = int(re.search(r"0 entries shown, ([\d,]+) read", page).group(1).replace(",", ""))
    assert 0 < read <= logs.MAX_SCANNED + logs.FILTERED.limit < 15 * 7200
    assert 0 < len(log_answers) <= logs.MAX_ANSWERS
    assert all(answer.raw.tell() <= logs.FILTERED.max_bytes for answer in log_answers)


def test_another_accounts_domain_answers_404(op):
    assert op.get("/cdn/999999/logs/", query()).status_code == 404


def test_export_queues_a_job_with_the_window_and_filters_shown(op, operator, www):
    q = query(status_class="4xx", url_contains="img")
    response = op.post(f"/cdn/{www['domainId']}/logs/export/", q)
    job = Job.objects.get(owner=operator, kind="export")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    export = Export.objects.get(job=job)
    assert (export.status_class, export.url_contains, export.log_type) == ("4xx", "img", "cache")
    assert f"{export.start_at:%Y-%m-%dT%H:%M}" == q["start_at"]
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert "Cancel export" in page and "4xx" in page


def test_a_bad_export_window_queues_nothing(op, operator, www):
    response = op.post(f"/cdn/{www['domainId']}/logs/export/", query(end_at="2000-01-01T00:00"))
    assert response.status_code == 400 and "The end must be after the start." in response.content.decode()
    assert not Job.objects.filter(owner=operator).exists()


def test_a_viewer_may_read_and_export_the_log(client, viewer, connect_demo, www):
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.get(f"/cdn/{www['domainId']}/logs/", query()).status_code == 200
    assert client.post(f"/cdn/{www['domainId']}/logs/export/", query()).status_code == 302
