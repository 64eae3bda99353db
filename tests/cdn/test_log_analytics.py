"""Log analytics: counts over a window of a domain's request log, on the page for a small window
and by a job for any window, matching a direct count over the same entries from the wire."""

import re
from collections import Counter
from datetime import timedelta

from django.utils import timezone

from cdn.objects import Domain
from jobs import services
from tests.jobs.conftest import run_to_end


def direct(demo, www, start, end) -> list[dict]:
    entries = []
    for page in demo.cdn.iter_request_log(www["domainId"], "cache", start, end):
        entries += page
    return entries


def counts(entries: list[dict]) -> dict:
    cached = [e for e in entries if e.get("cache")]
    return {
        "entries": len(entries),
        "hit_ratio": sum(e["cache"] == "HIT" for e in cached) / len(cached),
        "top_url": Counter(e["url"] for e in entries).most_common(1)[0],
        "top_client": Counter(e["client_ip"] for e in entries).most_common(1)[0],
    }


def shown(page: str) -> dict:
    ratio = float(re.search(r'id="report-hit-ratio">([\d.]+) %', page)[1])
    page = page.replace(",", "")  # whatever the number grouping
    top_url = re.search(r'id="report-top-urls">.*?<tbody><tr><td><code>(.*?)</code></td><td>(\d+)</td>', page, re.S)
    top_client = re.search(r'id="report-clients">.*?<tbody><tr><td><code>(.*?)</code></td><td>(\d+)</td>', page, re.S)
    return {
        "entries": int(re.search(r'id="report-entries">(\d+)<', page)[1]),
        "hit_ratio": ratio,
        "top_url": (top_url[1], int(top_url[2])),
        "top_client": (top_client[1], int(top_client[2])),
    }


def window_query(start, end) -> dict:
    zone = timezone.get_current_timezone()
    return {
        "log_type": "cache",
        "start_at": start.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "end_at": end.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
    }


def test_the_page_counts_a_small_window_as_the_wire_gives_it(op, demo, www, sandbox):
    end = (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    start = end - timedelta(minutes=2)
    page = op.get(f"/cdn/{www['domainId']}/logs/analytics/", window_query(start, end)).content.decode()
    wire = counts(direct(demo, www, start, end))
    seen = shown(page)
    assert seen["entries"] == wire["entries"] == 15 * 120
    assert seen["hit_ratio"] == round(wire["hit_ratio"] * 100, 1)
    assert seen["top_url"][1] == wire["top_url"][1] and seen["top_client"][1] == wire["top_client"][1]
    assert f"{wire['entries']} entries read from Plcloud" in page and 'id="report-cut"' not in page
    assert 'id="status-chart"' in page


def test_a_large_window_is_counted_up_to_its_bound_and_says_so(op, www):
    end = (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    page = op.get(f"/cdn/{www['domainId']}/logs/analytics/", window_query(end - timedelta(hours=1), end))
    text = page.content.decode()
    assert 'id="report-cut"' in text and "The page counts at most 20000 entries" in text.replace(",", "")
    assert 'name="analyze" value="1"' in text


def test_an_analytics_job_counts_the_whole_window_and_keeps_the_counts(op, operator, demo, www):
    end = (timezone.now() - timedelta(hours=4)).replace(second=0, microsecond=0)
    start = end - timedelta(minutes=30)
    window = {"log_type": "cache", "start_at": start, "end_at": end, "status_class": "", "cache_state": "",
              "url_contains": ""}  # fmt: skip
    job = run_to_end(services.submit_export(user=operator, domain=Domain.from_wire(www), window=window, analyze=True))
    report = job.export.report
    wire = counts(direct(demo, www, start, end))
    assert report["entries"] == wire["entries"] == 15 * 1800
    assert report["hit_ratio"] == wire["hit_ratio"]
    assert tuple(report["top_urls"][0]) == wire["top_url"] or report["top_urls"][0][1] == wire["top_url"][1]
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert shown(page)["entries"] == wire["entries"]
    assert f"Analysed the request log of {www['domainName']}" in op.get("/audit/").content.decode()
