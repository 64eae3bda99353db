"""Plans: normalised, split under the caps, and refused line by line before anything is sent."""

import pytest

from jobs.services import PlanRefused, plan_flush, plan_prefetch

DOMAIN = {"domainId": 1, "domainName": "www.demo-shop.com"}
HOST = "https://www.demo-shop.com"


def test_a_plan_strips_and_drops_duplicates():
    plan = plan_flush(domain=DOMAIN, urls_text=f"  {HOST}/a.js \n\n{HOST}/a.js\n{HOST}/b.js", dirs_text=f"{HOST}/img/")
    assert plan.urls == [f"{HOST}/a.js", f"{HOST}/b.js"]
    assert plan.dirs == [f"{HOST}/img/"]
    assert plan.summary == "2 URLs and 1 directory in 1 request"


def test_a_plan_splits_under_the_caps():
    urls = "\n".join(f"{HOST}/{n}.js" for n in range(250))
    dirs = "\n".join(f"{HOST}/d{n}/" for n in range(45))
    plan = plan_flush(domain=DOMAIN, urls_text=urls, dirs_text=dirs)
    assert [(len(u), len(d)) for u, d in plan.batches] == [(100, 20), (100, 20), (50, 5)]
    assert plan.summary == "250 URLs and 45 directories in 3 requests"


@pytest.mark.parametrize(
    ("urls", "dirs", "fragment"),
    [
        (f"{HOST}/a.js\nhttps://evil.example.com/a.js", "", "Line 2 of the URLs: https://evil.example.com/a.js"),
        ("", f"{HOST}/img", "must end with /"),
        ("", "https://static.demo-shop.cn/img/", "is not on www.demo-shop.com"),
        ("ftp://www.demo-shop.com/a.js", "", "is not an http(s) URL"),
        ("", "", "at least one"),
    ],
)
def test_a_plan_refuses_lines_it_cannot_send(urls, dirs, fragment):
    with pytest.raises(PlanRefused) as refused:
        plan_flush(domain=DOMAIN, urls_text=urls, dirs_text=dirs)
    assert fragment in str(refused.value)


def test_a_prefetch_plan_takes_only_the_members_domains():
    domains = [DOMAIN, {"domainId": 2, "domainName": "static.demo-shop.cn"}]
    plan = plan_prefetch(urls_text=f"{HOST}/a.js\n{HOST}/b.js", domains=domains)
    assert (plan.domain_id, plan.domain_name) == (1, "www.demo-shop.com")
    assert plan_prefetch(urls_text=f"{HOST}/a.js\nhttp://static.demo-shop.cn/x", domains=domains).domain_id is None
    with pytest.raises(PlanRefused, match="Line 2: https://other.example.org/a.js is not on one of your domains"):
        plan_prefetch(urls_text=f"{HOST}/a.js\nhttps://other.example.org/a.js", domains=domains)
