"""Prefetch: the tenant's hosts only; per-URL progress from submission to an end, 404s fail."""

import re
import uuid

import pytest

from tests.helpers import wait_for
from tests.sandbox.support import assert_error

HOST = "https://www.demo-shop.com"


def submit(api, urls):
    return api.put("/cdn/prefetch", json={"urls": urls})


def test_it_runs_a_prefetch_to_its_end_and_fails_the_404(demo):
    run = uuid.uuid4().hex[:8]
    urls = [f"{HOST}/{run}/app.js", f"https://static.demo-shop.cn/{run}/missing-404.png"]
    answer = submit(demo, urls)
    assert answer.status_code == 200
    job = answer.json()["cdn"]
    assert set(job) == {"request_id", "status", "total", "created_at"}
    assert re.fullmatch(r"pf-[0-9a-f]+", job["request_id"])
    assert (job["status"], job["total"]) == ("running", 2)
    path = f"/cdn/prefetch/{job['request_id']}"

    early = demo.ok("GET", path)
    assert early["status"] == "running" and early["finished_at"] is None
    assert all(u["status"] in ("pending", "running") and u["progress"] < 100 for u in early["urls"])

    wait_for(lambda: demo.ok("GET", path)["status"] != "running", timeout=10)
    final = demo.ok("GET", path)
    assert set(final) == {
        "request_id", "status", "progress", "total", "succeeded", "failed", "created_at", "finished_at", "urls",
    }  # fmt: skip
    assert (final["progress"], final["total"]) == (100, 2)
    assert final["succeeded"] + final["failed"] == 2 and final["failed"] >= 1
    assert final["status"] in ("partial", "failed") and final["finished_at"] >= final["created_at"]
    assert [u["url"] for u in final["urls"]] == urls
    failed = final["urls"][1]
    assert failed == {"url": urls[1], "status": "failed", "progress": 100, "error": "origin answered 404"}
    assert demo.ok("GET", path) == final


def test_it_shows_progress_rising_while_it_runs(demo):
    urls = [f"{HOST}/progress/{n}.jpg" for n in range(20)]
    path = f"/cdn/prefetch/{submit(demo, urls).json()['cdn']['request_id']}"
    seen = []

    def record() -> bool:
        status = demo.ok("GET", path)
        seen.append(status["progress"])
        return status["status"] != "running"

    wait_for(record, timeout=10, interval=0.05)
    assert seen == sorted(seen) and seen[-1] == 100 and any(0 < p < 100 for p in seen)


@pytest.mark.parametrize(
    ("urls", "fragment"),
    [
        (["http://not-ours.example.org/a.js"], "not-ours.example.org"),
        ([f"{HOST}/a.js", "https://www.team2-example.net/a.js"], "www.team2-example.net"),
        ([], "1 to 500"),
        ([f"{HOST}/{n}.js" for n in range(501)], "1 to 500"),
        ([f"{HOST}/a.js", f"{HOST}/a.js"], "twice"),
        (["ftp://www.demo-shop.com/a.js"], "http or https"),
        (f"{HOST}/a.js", "1 to 500"),
    ],
)
def test_it_refuses_a_prefetch_that_breaks_a_rule(demo, urls, fragment):
    assert_error(submit(demo, urls), 400, "urls", fragment)


def test_it_takes_500_urls(demo):
    assert submit(demo, [f"{HOST}/many/{n}.js" for n in range(500)]).json()["cdn"]["total"] == 500


def test_it_answers_404_for_an_unknown_request_id(demo):
    assert_error(demo.get("/cdn/prefetch/pf-0000000000000000"), 404)
