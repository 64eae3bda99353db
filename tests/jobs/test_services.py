"""Plans: normalised, split under the caps, and refused line by line before anything is sent."""

import pytest

from cdn.objects import Domain
from jobs.services import PlanRefused, plan_flush, plan_prefetch

DOMAIN = Domain.from_wire({"domainId": 1, "domainName": "www.demo-shop.com"})
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
    assert [(len(u), len(d)) for u, d in ((r.urls, r.dirs) for r in plan.calls)] == [(100, 20), (100, 20), (50, 5)]
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
    domains = [DOMAIN, Domain.from_wire({"domainId": 2, "domainName": "static.demo-shop.cn"})]
    plan = plan_prefetch(urls_text=f"{HOST}/a.js\n{HOST}/b.js", domains=domains)
    assert plan.domains == [DOMAIN]
    both = plan_prefetch(urls_text=f"{HOST}/a.js\nhttp://static.demo-shop.cn/x", domains=domains)
    assert both.domains == domains
    with pytest.raises(PlanRefused, match="Line 2: https://other.example.org/a.js is not on one of your domains"):
        plan_prefetch(urls_text=f"{HOST}/a.js\nhttps://other.example.org/a.js", domains=domains)


@pytest.mark.parametrize(
    ("line", "sent"),
    [
        ("HTTPS://WWW.Demo-Shop.COM/A.js", f"{HOST}/A.js"),
        ("https://www.demo-shop.com:443/a.js", f"{HOST}/a.js"),
        ("http://www.demo-shop.com:80/a.js", "http://www.demo-shop.com/a.js"),
        ("https://www.demo-shop.com:8443/a.js", "https://www.demo-shop.com:8443/a.js"),
        ("https://www.demo-shop.com/a.js#top", f"{HOST}/a.js"),
        ("https://www.demo-shop.com", f"{HOST}/"),
        ("https://www.demo-shop.com./a.js", f"{HOST}/a.js"),
        ("https://www.demo-shop.com/图片/a.png?q=值", f"{HOST}/%E5%9B%BE%E7%89%87/a.png?q=%E5%80%BC"),
        ("https://www.demo-shop.com/a%2fb?x=%e5", f"{HOST}/a%2Fb?x=%E5"),
    ],
)
def test_a_plan_sends_each_url_as_the_cdn_sees_it_and_says_so(line, sent):
    plan = plan_flush(domain=DOMAIN, urls_text=line, dirs_text="")
    assert plan.urls == [sent]
    assert [(n.number, n.line, n.sent_as) for n in plan.notes] == ([(1, line, sent)] if line != sent else [])


def test_an_idn_host_is_matched_in_its_xn_form():
    idn = Domain.from_wire({"domainId": 3, "domainName": "www.xn--fiq228c.com"})  # www.中文.com
    plan = plan_prefetch(urls_text="https://www.中文.com/a.js", domains=[idn])
    assert plan.urls == ["https://www.xn--fiq228c.com/a.js"] and plan.domains == [idn]


def test_lines_that_come_out_the_same_are_sent_once_and_named():
    text = f"{HOST}/a.js\nhttps://WWW.demo-shop.com/a.js\n{HOST}/a.js#x\n{HOST}/b.js"
    plan = plan_flush(domain=DOMAIN, urls_text=text, dirs_text="")
    assert plan.urls == [f"{HOST}/a.js", f"{HOST}/b.js"]
    assert [(n.number, n.repeats) for n in plan.notes] == [(2, "line 1 of the URLs"), (3, "line 1 of the URLs")]
    assert plan.summary == "2 URLs in 1 request"


def test_a_long_paste_lists_fifty_notes_and_counts_the_rest():
    text = "\n".join([f"{HOST}/same.js"] * 80)
    plan = plan_flush(domain=DOMAIN, urls_text=text, dirs_text="")
    assert (len(plan.urls), len(plan.notes), plan.notes_left_out) == (1, 50, 29)


def test_each_refused_line_belongs_to_the_field_it_was_typed_in():
    with pytest.raises(PlanRefused) as refused:
        plan_flush(domain=DOMAIN, urls_text=f"{HOST}/a.js\nhttps://x.example.com/a", dirs_text=f"{HOST}/img")
    assert refused.value.fields == {
        "urls": ["Line 2 of the URLs: https://x.example.com/a is not on www.demo-shop.com."],
        "dirs": [f"Line 1 of the directories: {HOST}/img must end with /."],
    }


@pytest.mark.parametrize(
    ("urls", "dirs"),
    [
        ("https://user:pw@www.demo-shop.com/a.js", ""),
        ("", f"{HOST}/img/?v=1"),
        ("https://www.demo-shop.com:99999/a.js", ""),
        ("https://www..com/a.js", ""),
    ],
)
def test_a_plan_refuses_credentials_queried_directories_and_bad_hosts(urls, dirs):
    with pytest.raises(PlanRefused):
        plan_flush(domain=DOMAIN, urls_text=urls, dirs_text=dirs)


def test_the_requests_of_a_plan_are_what_each_call_carries():
    plan = plan_prefetch(urls_text="\n".join(f"{HOST}/p{n}.js" for n in range(1001)), domains=[DOMAIN])
    assert [len(r.urls) for r in plan.calls] == [500, 500, 1]
    assert [r.summary for r in plan.calls][-1] == "1 URL"
    assert plan.summary == "1001 URLs in 3 requests"
