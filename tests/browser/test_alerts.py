"""Alerts in a real browser: a channel and a rule made through the pages, a test sent, and the
delivery a check makes shown on the page."""

import secrets

import pytest
from playwright.sync_api import expect

from alerts.checker import check_due
from jobs.models import Job, Kind, State
from tests.alerts.receiver import serve
from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD


@pytest.fixture
def receiver():
    yield from serve()


def test_it_adds_a_channel_and_a_rule_and_shows_the_delivery_after_a_check(page, operator, connect_demo, receiver):
    from django.utils import timezone

    connect_demo(operator)
    secret = secrets.token_hex(16)
    sign_in(page, "otto", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
    page.get_by_role("link", name="New channel").click()
    page.get_by_label("Name").fill("Team chat")
    page.get_by_label("Kind").select_option(label="Slack-style incoming webhook")
    page.get_by_label("Webhook URL").fill(receiver.url(f"/services/{secret}"))
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_text("Channel Team chat added.")).to_be_visible()
    channel_row = page.locator("#alert-channels tbody tr", has_text="Team chat")
    expect(channel_row).to_contain_text(f"127.0.0.1 …{secret[-4:]}")

    channel_row.get_by_role("button", name="Send a test").click()
    expect(page.get_by_text("Test message sent to Team chat.")).to_be_visible()
    expect(page.locator("#alert-channels tbody tr", has_text="Team chat").locator(".channel-last")).to_contain_text(
        "Delivered"
    )

    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Jobs failing")
    page.get_by_label("Condition").select_option(label="A job failed")
    page.get_by_label("Team chat").check()
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_text("Rule Jobs failing added.")).to_be_visible()
    expect(page.locator("#alert-rules tbody tr", has_text="Jobs failing")).to_contain_text("Not checked yet")

    job = Job.objects.create(owner=operator, tenant_id=operator.plcloud.tenant_id, kind=Kind.PREFETCH,
                             state=State.FAILED, finished_at=timezone.now())  # fmt: skip
    assert check_due() == 1  # what beat's task runs
    page.reload()
    expect(page.locator("#alert-rules tbody tr", has_text="Jobs failing")).to_contain_text(
        f"Firing 1 job failed: #{job.pk} Prefetch."
    )
    firing = page.locator("#alert-deliveries tr.delivery-firing")
    expect(firing).to_contain_text("Team chat")
    expect(firing).to_contain_text("Delivered")
    assert len(receiver.texts("/services/")) == 2 and secret not in page.content()
