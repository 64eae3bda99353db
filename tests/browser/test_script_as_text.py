"""Script in upstream data runs nowhere: the pages that show it open no dialog in a real browser
(tests/security/test_script_as_text.py checks the HTML of every such page)."""

import uuid

from playwright.sync_api import expect

from connections.services import client_for
from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def test_script_in_a_ticket_and_a_common_url_opens_no_dialog(page, operator, connect_demo):
    connect_demo(operator)
    mark = uuid.uuid4().hex[:8]
    upstream = client_for(operator)
    ticket = upstream.ticket.create(f"{SCRIPT} {IMG} {mark}", f"{SCRIPT}\n\n{IMG}")
    upstream.ticket.reply(ticket["id"], f"{IMG} {SCRIPT}")
    upstream.cdn.create_urls(
        [
            f"https://www.demo-shop.com/{mark}/{SCRIPT}",
            f'https://www.demo-shop.com/{mark}/"><img/src=x/onerror=alert(1)>',
        ]
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "otto", PASSWORD)
    for url in ("/tickets/", f"/tickets/{ticket['id']}/", f"/cdn/urls/?q={mark}"):
        page.goto(url)
        expect(page.get_by_text(SCRIPT).first).to_be_visible()  # shown as text
        page.wait_for_load_state("load")  # an onerror would have fired by now
        assert page.locator("img[src='x']").count() == 0, url
    assert dialogs == []
    # The rig sees a dialog when there is one: the same markup made live does open one (on a
    # blank page: on the panel's pages the Content-Security-Policy would block it as well).
    page.goto("about:blank")
    page.set_content(f"<p>{IMG}</p>")
    page.wait_for_timeout(200)
    assert dialogs == ["1"]
