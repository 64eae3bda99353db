"""Domain rows Plcloud might give that WIRE.md does not promise against: any id routes, a row
without a usable id shows unlinked, and no odd field stops the list from showing."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, reverse

from cdn.objects import Domain
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
    odd = Domain.from_wire_list(ODD_ROWS)
    rows = filter_domains(Domain.from_wire_list(ODD_ROWS + ["not a row"]), sort="name")
    assert len(rows) == 5 and filter_domains(odd, q="example", sort="-status")
    assert [r.name for r in filter_domains(odd, area="hk")] == ["slash.example.com"]
    request = RequestFactory().get("/cdn/")
    page = Paginator(rows, 25).get_page(1)
    context = {"request": request, "page": page, "matching": len(rows), "total": len(rows), "can_change": True}
    html = render_to_string("cdn/_domain_table.html", context)
    for name in ("slash.example.com", "big.example.com", "no-id.example.com", "dots.example.com"):
        assert name in html
    links = {reverse("cdn:detail", args=[i]) for i in ("d/1 ünï", "98765432109876543210", "..")}
    for link in links:
        assert f'href="{link}"' in html
    assert html.count('<a href="/cdn/') == 3  # the rows without a usable id are shown, not linked
    assert html.count('name="ids"') == 3
