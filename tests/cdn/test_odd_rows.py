"""Domain rows Plcloud might give that WIRE.md does not promise against: any id routes, a row
without a usable id shows unlinked, and no odd field stops the list from showing."""

from django.core.paginator import Paginator
from django.test import RequestFactory
from django.urls import resolve, reverse

from cdn.presenters import decorate
from cdn.rows import frame
from cdn.selectors import filter_domains
from plcloud_panel.converters import PlcloudIdConverter

ODD_ROWS = [
    {"domainId": "d/1 ünï", "domainName": "slash.example.com", "status": "configuring", "areas": ["hk"]},
    {"domainId": 98765432109876543210, "domainName": "big.example.com", "status": "online", "areas": "hk"},
    {"domainName": "no-id.example.com", "status": "online", "updated_at": 1700000000},
    {"domainId": True, "domainName": 7, "status": ["online"], "areas": None, "created_at": 5},
    {"domainId": "..", "domainName": "dots.example.com", "status": "configuring", "updated_at": "2026-01-01T00:00:00"},
]


def test_any_id_goes_into_a_url_and_comes_back_the_same():
    for domain_id in ["206813", "d/1 ünï", "..", ".", "~x", "a%2Fb", "x" * 255, "工单", "a b?c#d"]:
        path = reverse("cdn:detail", args=[domain_id])
        assert resolve(path).kwargs == {"domain_id": domain_id}, path
        assert path.count("/") == 3, path  # one segment, whatever the id holds


def test_an_id_that_cannot_be_routed_is_refused_not_guessed():
    converter = PlcloudIdConverter()
    for value in [None, "", True, 1.5, {"id": 1}, "x" * 256]:
        try:
            converter.to_url(value)
        except ValueError:
            continue
        raise AssertionError(f"{value!r} was routed")


def test_the_domain_table_shows_every_odd_row_and_links_the_ones_it_can():
    rows = filter_domains(ODD_ROWS + ["not a row"], sort="name")
    assert len(rows) == 5 and filter_domains(ODD_ROWS, q="example", sort="-status")
    assert [r["domainName"] for r in filter_domains(ODD_ROWS, area="hk")] == ["slash.example.com"]
    request = RequestFactory().get("/cdn/")
    shown = [decorate(row) for row in rows]
    page = Paginator(shown, 25).get_page(1)
    html = frame(can_change=True).table(request, shown, page=page, matching=len(shown), total=len(shown))
    for name in ("slash.example.com", "big.example.com", "no-id.example.com", "dots.example.com"):
        assert name in html
    links = {reverse("cdn:detail", args=[i]) for i in ("d/1 ünï", "98765432109876543210", "..")}
    for link in links:
        assert f'href="{link}"' in html
    assert html.count('<a href="/cdn/') == 3  # the rows without a usable id are shown, not linked
    assert html.count('name="ids"') == 3
