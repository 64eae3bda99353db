"""Common URLs: up to 1,000 per call, stored once, listed oldest first, deleted by id."""

import re
import uuid

import pytest

from tests.sandbox.support import assert_error


def urls(count: int) -> list[str]:
    run = uuid.uuid4().hex[:8]
    return [f"https://www.demo-shop.com/{run}/{n}.js" for n in range(count)]


def test_it_lists_the_seeded_urls_oldest_first(demo):
    listed = demo.ok("GET", "/cdn/urls")
    assert listed[0]["url"] == "https://www.demo-shop.com/"
    assert all(set(item) == {"id", "url", "created_at"} and isinstance(item["id"], int) for item in listed)
    assert [item["created_at"] for item in listed] == sorted(item["created_at"] for item in listed)


def test_it_creates_a_thousand_urls_in_the_order_sent(demo):
    sent = urls(1000)
    created = demo.ok("POST", "/cdn/urls", json={"urls": sent})
    assert [item["url"] for item in created] == sent
    assert len({item["id"] for item in created}) == 1000
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item["created_at"]) for item in created)
    listed = [item["url"] for item in demo.ok("GET", "/cdn/urls")]
    assert listed[-1000:] == sent


def test_it_gives_back_the_existing_item_for_a_url_it_has(demo):
    first, second = urls(2)
    original = demo.ok("POST", "/cdn/urls", json={"urls": [first]})[0]
    again = demo.ok("POST", "/cdn/urls", json={"urls": [second, first]})
    assert again[1] == original
    assert [item["url"] for item in demo.ok("GET", "/cdn/urls")].count(first) == 1


def test_it_deletes_a_url_by_id(demo):
    item = demo.ok("POST", "/cdn/urls", json={"urls": urls(1)})[0]
    answer = demo.delete(f"/cdn/urls/{item['id']}")
    assert (answer.status_code, answer.content) == (204, b"")
    assert item["id"] not in {i["id"] for i in demo.ok("GET", "/cdn/urls")}
    assert_error(demo.delete(f"/cdn/urls/{item['id']}"), 404)
    assert_error(demo.delete("/cdn/urls/not-a-number"), 404)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"urls": []}, "1 to 1000"),
        ({"urls": urls(1001)}, "1 to 1000"),
        ({"urls": "https://www.demo-shop.com/a.js"}, "1 to 1000"),
        ({}, "1 to 1000"),
        ({"urls": ["https://www.demo-shop.com/a.js"] * 2}, "twice"),
        ({"urls": ["ftp://www.demo-shop.com/a.js"]}, "http or https"),
        ({"urls": ["www.demo-shop.com/a.js"]}, "http or https"),
        ({"urls": ["https:///a.js"]}, "no host"),
        ({"urls": ["https://www.demo-shop.com/a b.js"]}, "spaces"),
        ({"urls": ["https://www.demo-shop.com:99999/a.js"]}, "not a valid URL"),
        ({"urls": ["https://www.demo-shop.com/" + "a" * 2030]}, "2048"),
        ({"urls": [17]}, "URL"),
        ({"urls": ["https://www.demo-shop.com/a.js"], "more": []}, "more"),
    ],
)
def test_it_refuses_urls_that_break_a_rule(demo, body, fragment):
    assert_error(demo.post("/cdn/urls", json=body), 400, "urls" if "more" not in body else "more", fragment)


def test_it_takes_a_url_of_exactly_2048_characters(demo):
    url = "https://www.demo-shop.com/" + "a" * (2048 - len("https://www.demo-shop.com/"))
    assert demo.ok("POST", "/cdn/urls", json={"urls": [url]})[0]["url"] == url
