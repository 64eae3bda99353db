"""Pages that never strand a member: 403, 404, a refused CSRF token, 500 and the lockout page
answer in the panel's layout and the member's language, each with a way back."""

import re

import pytest
from django.test import Client

from accounts.models import Role
from tests.panel_fixtures import PASSWORD, make_member

# (language, "Back to the dashboard", "CDN domains", "Sign in") as the member reads them.
LANGUAGES = [
    ("en", "Back to the dashboard", "CDN domains", "Sign in"),
    ("zh-hans", "返回仪表盘", "CDN 域名", "登录"),
]


def speaking(client, language):
    """The member chose ``language`` with the header's switch (its cookie)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def in_layout(page: str, language: str) -> bool:
    """The full layout (base.html: the brand, the language switch) in the member's language."""
    return f'<html lang="{language}">' in page and 'class="brand"' in page and 'id="language"' in page


def links(page: str) -> list[tuple[str, str]]:
    """The way back: (address, label) of the links in the page's main part."""
    main = page[page.index('<main id="main">') :]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', main)


@pytest.mark.parametrize("language, home, domains, sign_in", LANGUAGES)
def test_a_page_not_there_answers_404_with_the_way_back(op, language, home, domains, sign_in):
    # A domain Plcloud does not have for this tenant (asked of the sandbox): the list is the way back.
    response = speaking(op, language).get("/cdn/987654321/")
    page = response.content.decode()
    assert response.status_code == 404 and in_layout(page, language)
    assert links(page) == [("/cdn/", domains), ("/", home)]
    # An address that is nothing, for a visitor: signing in is the way back.
    response = speaking(Client(), language).get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404 and in_layout(page, language)
    assert links(page) == [("/accounts/login/", sign_in)]


@pytest.mark.parametrize("language, home, domains, sign_in", LANGUAGES)
def test_a_page_not_allowed_answers_403_with_the_way_back(client, viewer, outsider, language, home, domains, sign_in):
    client.force_login(viewer)
    response = speaking(client, language).get("/cdn/new/")  # operators add domains; a viewer reads
    page = response.content.decode()
    assert response.status_code == 403 and in_layout(page, language)
    assert links(page) == [("/cdn/", domains), ("/", home)]
    # Signed in without a role: no page of the panel opens, so the way out is to sign out.
    client.force_login(outsider)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 403 and in_layout(page, language)
    sign_out = "退出登录" if language == "zh-hans" else "Sign out"
    assert links(page) == [] and f'<button type="submit" class="link">{sign_out}</button>' in page


@pytest.mark.parametrize("language, home, domains, sign_in", LANGUAGES)
def test_a_form_refused_for_its_csrf_token_keeps_what_was_typed(
    operator, connect_demo, sandbox, language, home, domains, sign_in
):
    connect_demo(operator)
    browser = speaking(Client(enforce_csrf_checks=True), language)
    browser.force_login(operator)
    summary = f"Summary typed in {language}"
    sandbox.forget_requests()
    form = {"summary": summary, "description": "Kept <b>as typed</b>."}
    response = browser.post("/tickets/new/", form, headers={"referer": "http://testserver/tickets/new/"})
    page = response.content.decode()
    assert response.status_code == 403 and in_layout(page, language) and 'id="csrf-failure"' in page
    assert summary in page and "Kept &lt;b&gt;as typed&lt;/b&gt;." in page
    assert [address for address, _label in links(page)] == ["/tickets/new/", "/tickets/", "/"]
    assert links(page)[-1] == ("/", home)
    assert sandbox.calls("POST") == []  # nothing was sent to Plcloud
    # Sent from another site's page: refused the same, and nothing of it is shown as the panel's.
    response = browser.post("/tickets/new/", form, headers={"referer": "https://elsewhere.example/"})
    page = response.content.decode()
    assert response.status_code == 403 and 'id="csrf-failure"' in page and summary not in page
    assert links(page) == [("/tickets/", "工单" if language == "zh-hans" else "Tickets"), ("/", home)]
    # A visitor's sign-in form from before: signing in again is the way back (no password shown).
    visitor = speaking(Client(enforce_csrf_checks=True), language)
    response = visitor.post("/accounts/login/", {"username": "otto", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 403 and in_layout(page, language) and PASSWORD not in page
    assert links(page) == [("/accounts/login/", sign_in)]


@pytest.mark.parametrize("language, home, domains, sign_in", LANGUAGES)
def test_an_unexpected_error_answers_the_panels_own_500_page(
    client, db, monkeypatch, settings, language, home, domains, sign_in
):
    settings.DEBUG = False
    member = make_member("erin", Role.VIEWER)
    client.force_login(member)
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr("ops.dashboard_views.identity_version", broken)  # the dashboard's identity block fails
    response = speaking(client, language).get("/dashboard/identity/")
    text = response.content.decode()
    assert response.status_code == 500
    # The plain layout (plain_base.html: nothing read from the database), in the member's language.
    assert f'<html lang="{language}">' in text and 'class="brand"' in text
    assert links(text) == [("/", home)]
    assert "database" not in text and "a bug, not an outage" not in text
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("language, home, domains, sign_in", LANGUAGES)
def test_the_lockout_page_leads_back_to_signing_in(settings, viewer, language, home, domains, sign_in):
    browser = speaking(Client(REMOTE_ADDR="198.51.100.30"), language)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/accounts/login/", {"username": "vera", "password": "wrong-password"})
    response = browser.post("/accounts/login/", {"username": "vera", "password": PASSWORD})
    page = response.content.decode()
    assert response.status_code == 429 and in_layout(page, language)
    assert [address for address, _label in links(page)] == ["/accounts/login/"]
