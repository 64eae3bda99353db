"""Cache flush: the tenant's domain, its own host, at most 100 URLs and 20 directories."""

import re

import pytest

from tests.sandbox.support import assert_error

HOST = "https://www.demo-shop.com"


@pytest.fixture(scope="module")
def www(demo):
    return demo.domain_named("www.demo-shop.com")["domainId"]


def flush(api, domain_id, **lists):
    return api.put("/cdn/cache_flush", json={"domain": {"domain_id": domain_id, **lists}})


def test_it_accepts_urls_and_directories_of_the_domain(demo, www):
    answer = flush(demo, www, urls=[f"{HOST}/a.js", f"{HOST}/b.css"], dirs=[f"{HOST}/img/"])
    assert answer.status_code == 200
    job = answer.json()["cdn"]
    assert set(job) == {"flush_id", "domain_id", "urls", "dirs", "status", "created_at"}
    assert re.fullmatch(r"fl-[0-9a-f]+", job["flush_id"])
    assert (job["domain_id"], job["urls"], job["dirs"], job["status"]) == (www, 2, 1, "accepted")


def test_it_takes_urls_alone_dirs_alone_and_the_full_allowance(demo, www):
    assert flush(demo, www, urls=[f"{HOST}/only.js"]).json()["cdn"]["dirs"] == 0
    assert flush(demo, www, dirs=[f"{HOST}/"]).json()["cdn"]["urls"] == 0
    full = flush(demo, www, urls=[f"{HOST}/{n}.js" for n in range(100)], dirs=[f"{HOST}/d{n}/" for n in range(20)])
    assert (full.json()["cdn"]["urls"], full.json()["cdn"]["dirs"]) == (100, 20)
    assert flush(demo, str(www), urls=["http://www.demo-shop.com:8080/a.js"]).status_code == 200


@pytest.mark.parametrize(
    ("lists", "fragment"),
    [
        ({}, "at least one"),
        ({"urls": [], "dirs": []}, "at least one"),
        ({"urls": [f"{HOST}/{n}.js" for n in range(101)]}, "at most 100"),
        ({"dirs": [f"{HOST}/d{n}/" for n in range(21)]}, "at most 20"),
        ({"urls": ["https://static.demo-shop.cn/a.js"]}, "'https://static.demo-shop.cn/a.js' is not on the domain"),
        ({"urls": [f"{HOST}/a.js", "http://not-ours.example.org/a.js"]}, "not-ours.example.org"),
        ({"dirs": [f"{HOST}/img"]}, "ends with /"),
        ({"dirs": ["https://evil.example.com/img/"]}, "evil.example.com"),
        ({"urls": ["ftp://www.demo-shop.com/a.js"]}, "http or https"),
        ({"urls": [f"{HOST}/a.js", f"{HOST}/a.js"]}, "twice"),
        ({"urls": f"{HOST}/a.js"}, "urls"),
        ({"files": [f"{HOST}/a.js"]}, "files"),
    ],
)
def test_it_refuses_a_flush_that_breaks_a_rule(demo, www, lists, fragment):
    assert_error(flush(demo, www, **lists), 400, fragment)


def test_it_refuses_a_flush_without_a_domain_id_or_with_a_bad_one(demo):
    assert_error(demo.put("/cdn/cache_flush", json={"domain": {"urls": [f"{HOST}/a.js"]}}), 400, "domain_id")
    assert_error(flush(demo, "www", urls=[f"{HOST}/a.js"]), 400, "domain_id")
    assert_error(demo.put("/cdn/cache_flush", json={"domain_id": 206813, "urls": [f"{HOST}/a.js"]}), 400)


def test_it_answers_404_for_a_domain_that_is_not_the_tenants(demo, team2, www):
    assert_error(flush(demo, 999_999_999, urls=[f"{HOST}/a.js"]), 404)
    assert_error(flush(team2, www, urls=[f"{HOST}/a.js"]), 404)
