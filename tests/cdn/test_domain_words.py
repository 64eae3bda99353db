"""A domain's state, areas and type read as words in the member's language, on the list (with its
filters) and on the domain's page; never as Plcloud's codes, and an unknown code as it came."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from cdn.objects import Domain, area_label, status_label, type_label


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_list_and_a_domains_page_show_words_not_codes(op, www, language):
    op.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        state = str(status_label(www["status"]))
        areas = ", ".join(str(area_label(area)) for area in www["areas"])
        kind = str(type_label(www["serviceType"]))
        any_state = str(status_label("configuring"))
    listing = op.get("/cdn/").content.decode()
    detail = op.get(f"/cdn/{www['domainId']}/").content.decode()
    assert f'<html lang="{language}">' in listing
    # The seeded domain: online, in hk and ov, of type web.
    assert (www["status"], www["areas"], www["serviceType"]) == ("online", ["hk", "ov"], "web")
    row = re.search(r'<tr id="[^"]*">(?:(?!</tr>).)*www\.demo-shop\.com(?:(?!</tr>).)*</tr>', listing, re.S).group(0)
    for page in (row, detail):
        assert f'<span class="status status-online">{state}</span>' in page
        assert areas in page and kind in page
        assert ">online<" not in page and "hk, ov" not in page
    assert f"<td>{kind}</td>" in row and f"<dd>{kind}</dd>" in detail and f"<dd>{areas}</dd>" in detail
    assert "<td>web</td>" not in row and "<dd>web</dd>" not in detail
    # The filters' options are words too.
    assert re.search(rf'<option value="configuring"\s*>{re.escape(any_state)}</option>', listing)
    if language == "zh-hans":
        assert "<dd>网页</dd>" in detail and "<td>网页</td>" in row


def test_a_code_the_panel_has_no_word_for_shows_as_it_came():
    domain = Domain.from_wire(
        {
            "domainId": 7,
            "domainName": "new.example.com",
            "status": "frozen",
            "areas": ["mars", "hk"],
            "serviceType": "game",
        }
    )
    html = render_to_string("cdn/_domain_rows.html", {"domains": [domain], "can_change": False})
    assert '<span class="status status-frozen">frozen</span>' in html
    assert "mars, Hong Kong" in html and "<td>game</td>" in html
