"""A page that is not there, in Chinese, in a real browser: the panel's layout and a way back."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD


def test_a_missing_domain_in_chinese_leads_back_to_the_list(page, operator, connect_demo, sandbox):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    # A domain Plcloud does not have for this tenant.
    response = page.goto("/cdn/987654321/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("link", name="宝德云控制面板")).to_be_visible()  # the panel's header
    page.locator("main").get_by_role("link", name="CDN 域名").click()
    expect(page).to_have_url(re.compile(r"/cdn/$"))
    page.locator("#q").fill("www.demo-shop.com")
    page.locator("#q").press("Enter")
    expect(page.get_by_role("cell", name="www.demo-shop.com", exact=True)).to_be_visible()
