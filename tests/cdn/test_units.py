"""Counts grouped by thousands and traffic in units, by one filter each, in both languages."""

import re
from html import unescape

import pytest
from django.utils import translation

from cdn.units import bit_rate, count, data_size


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_counts_sizes_and_rates_read_the_same_way_in_both_languages(language):
    with translation.override(language):
        assert count(1234567) == "1,234,567" and count(999) == "999"
        assert [data_size(n) for n in (0, 512, 1536, 73_400_320, 5 * 1024**3, 3 * 1024**4)] == [
            "0\xa0B",
            "512\xa0B",
            "1.50\xa0KB",
            "70.00\xa0MB",
            "5.00\xa0GB",
            "3.00\xa0TB",
        ]
        assert data_size(2000 * 1024**4) == "2,000.00\xa0TB"
        rates = [bit_rate(n) for n in (950, 1_957_341, 2_500_000_000)]
        assert rates == ["950\xa0bit/s", "1.96\xa0Mbit/s", "2.50\xa0Gbit/s"]


@pytest.mark.parametrize(("language", "requests"), [("en", "Requests"), ("zh-hans", "请求数")])
def test_the_traffic_page_groups_requests_and_gives_traffic_and_bandwidth_in_units(op, www, language, requests):
    op.cookies["django_language"] = language
    page = unescape(op.get(f"/cdn/{www['domainId']}/flow/").content.decode())
    # 15 entries a second: a day's requests run into the millions, grouped by thousands.
    assert f"<dt>{requests}</dt>" in page
    facts = re.findall(r"<dd[^>]*>([^<]+)</dd>", page.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0])
    flow, hits, peak, p95 = facts
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d\xa0(KB|MB|GB|TB)", flow), flow
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", hits), hits
    for rate in (peak, p95):
        assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d\d)?\xa0(bit/s|Kbit/s|Mbit/s|Gbit/s)", rate), rate
    # The points' table, as it loads when opened.
    page = unescape(op.get(f"/cdn/{www['domainId']}/flow/", {"part": "table"}).content.decode())
    row = re.search(r"<tr><td><time[^>]*>[^<]+</time></td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", page)
    assert row and row.group(1).endswith(("B", "KB", "MB", "GB")) and row.group(2).endswith("bit/s")
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", row.group(3))
