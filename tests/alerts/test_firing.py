"""Rules fire once and clear once, whatever number of checks; every delivery is recorded and a
failing channel never keeps another from its message."""

import pytest
from django.utils import timezone
from kombu import Connection

from alerts import checker
from alerts.models import Delivery, DeliveryKind, Incident, Rule, RuleKind
from alerts.tasks import check_alerts
from plcloud_panel.celery import app
from tests.alerts.conftest import token
from tests.helpers import free_port, wait_for
from tests.tickets.conftest import unique


def due_now(*rules: Rule) -> None:
    """As when each rule's interval has passed."""
    Rule.objects.filter(pk__in=[r.pk for r in rules]).update(due_at=None)


def test_beat_checks_the_rules_every_minute(settings):
    entry = app.conf.beat_schedule["alerts.check_alerts"]
    assert entry["task"] == check_alerts.name == "alerts.tasks.check_alerts"
    assert entry["schedule"] == float(settings.ALERT_CHECK_SECONDS) == 60.0


@pytest.mark.django_db(transaction=True)
def test_an_alert_fires_once_and_clears_once_through_a_loopback_webhook(
    redis_worker, receiver, operator, connect_demo, make_channel, make_rule, fail_job, client
):
    url, worker = redis_worker
    connect_demo(operator)
    slack = make_channel("Ops Slack", "slack", receiver.url(f"/services/T0/B0/{token()}"))
    robot = make_channel("Ops DingTalk", "dingtalk", receiver.url(f"/robot/send?access_token={token()}"))
    rule = make_rule("Failed jobs", RuleKind.JOB_FAILED, [slack, robot])
    # Checked after the rule in each run (same due time, higher id): once it is checked, the run
    # is done with the rule. It never fires (its domain has no job).
    sentinel = make_rule("Sentinel", RuleKind.JOB_FAILED, [slack], domain_name="quiet.example.com")
    job = fail_job()

    def check_by_the_worker():
        before = Rule.objects.get(pk=sentinel.pk).checked_at
        due_now(rule, sentinel)
        with Connection(url) as conn:
            check_alerts.apply_async(connection=conn)

        def done():
            assert worker.poll() is None, "the worker stopped"
            return Rule.objects.get(pk=sentinel.pk).checked_at != before

        wait_for(done, timeout=30, interval=0.2)

    check_by_the_worker()
    firing = f"[Plcloud Panel] Alert firing: Failed jobs\n1 job failed: #{job.pk} Cache flush."
    assert receiver.texts("/services/") == [firing]
    assert receiver.bodies("/robot/") == [{"msgtype": "text", "text": {"content": firing}}]
    client.force_login(operator)
    page = client.get("/alerts/").content.decode()
    assert "Firing" in page and f"1 job failed: #{job.pk}" in page

    check_by_the_worker()  # no job failed since: the condition cleared
    resolved = "[Plcloud Panel] Alert resolved: Failed jobs\nNo job failed since the last check."
    assert receiver.texts("/services/") == [firing, resolved]
    assert receiver.texts("/robot/") == [firing, resolved]

    check_by_the_worker()
    check_by_the_worker()
    assert len(receiver.got) == 4  # nothing more
    incident = Incident.objects.get()
    assert incident.rule == rule and incident.closed_at is not None
    kinds = sorted((d.channel_name, d.kind, d.ok) for d in Delivery.objects.all())
    assert kinds == [
        ("Ops DingTalk", DeliveryKind.FIRING, True),
        ("Ops DingTalk", DeliveryKind.RESOLVED, True),
        ("Ops Slack", DeliveryKind.FIRING, True),
        ("Ops Slack", DeliveryKind.RESOLVED, True),
    ]
    page = client.get("/alerts/").content.decode()
    deliveries = page[page.index('id="alert-deliveries"') :]
    assert deliveries.count("Delivered") == 4 and deliveries.count("Resolved") == 2


def test_a_failing_channel_is_recorded_and_the_others_get_their_message(
    receiver, operator, connect_demo, make_channel, make_rule, fail_job, op
):
    connect_demo(operator)
    secret_500, secret_refused = token(), token()
    failing = make_channel("Broken", "slack", receiver.url(f"/fail/{secret_500}"))
    refused = make_channel("Gone", "wecom", f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key={secret_refused}")
    good = make_channel("Good", "slack", receiver.url("/services/good"))
    make_rule("Failed jobs", RuleKind.JOB_FAILED, [failing, refused, good])
    fail_job()

    assert checker.check_due() == 1
    assert len(receiver.texts("/services/good")) == 1 and len(receiver.bodies("/fail/")) == 1
    outcomes = {d.channel_name: (d.ok, d.error) for d in Delivery.objects.all()}
    assert outcomes == {
        "Broken": (False, "The webhook answered HTTP 500."),
        "Gone": (False, "Could not connect to the webhook's server."),
        "Good": (True, ""),
    }
    page = op.get("/alerts/").content.decode()
    assert "The webhook answered HTTP 500." in page and "Could not connect to the webhook&#x27;s server." in page
    assert secret_500 not in page and secret_refused not in page


def test_two_workers_never_check_the_same_rule_twice(operator, connect_demo, make_channel, make_rule):
    connect_demo(operator)
    rule = make_rule("Failed jobs", RuleKind.JOB_FAILED, [make_channel("Mail", "email", "ops@example.com")])
    first, second = Rule.objects.get(pk=rule.pk), Rule.objects.get(pk=rule.pk)  # both read it due
    now = timezone.now()
    assert checker.claim(first, now) is True
    assert checker.claim(second, now) is False
    assert checker.due_rules(timezone.now()) == []  # not due again before its interval


def test_a_ticket_answered_by_support_fires_under_a_members_token_and_clears_when_closed(
    receiver, operator, connect_demo, make_channel, make_rule, demo, mailoutbox
):
    connect_demo(operator)
    name = unique("alert").replace(" ", "-") + ".example.com"
    ticket = demo.ticket.create(f"Slow pages on {name}", "Please look.")
    slack = make_channel("Slack", "slack", receiver.url("/services/tickets"))
    mail = make_channel("Mail", "email", "ops@example.com, oncall@example.com")
    rule = make_rule("Answered", RuleKind.TICKET_ANSWERED, [slack, mail], domain_name=name)
    wait_for(lambda: demo.ticket.get(ticket["id"])["status"] == "answered", timeout=15, interval=0.3)

    checker.check_due()
    assert receiver.texts("/services/tickets") == [
        f"[Plcloud Panel] Alert firing: Answered\nSupport answered 1 ticket: {ticket['id']}: Slow pages on {name}."
    ]
    assert [m.subject for m in mailoutbox] == ["Alert firing: Answered"]
    assert mailoutbox[0].to == ["ops@example.com", "oncall@example.com"]

    due_now(rule)
    checker.check_due()  # still answered: nothing
    assert len(receiver.got) == 1

    demo.ticket.update(ticket["id"], "closed")
    due_now(rule)
    checker.check_due()
    resolved = "[Plcloud Panel] Alert resolved: Answered\nNo ticket waits for the team."
    assert receiver.texts("/services/tickets")[1] == resolved
    assert [m.subject for m in mailoutbox] == ["Alert firing: Answered", "Alert resolved: Answered"]
    assert Rule.objects.get(pk=rule.pk).problem == ""


def test_a_rule_that_cannot_be_read_says_why_and_keeps_its_state(
    receiver, operator, connect_demo, make_channel, make_rule
):
    connect_demo(operator)
    rule = make_rule("Stuck", RuleKind.DOMAIN_STUCK, [make_channel("S", "slack", receiver.url("/services/x"))],
                     domain_name="not-ours.example.com")  # fmt: skip
    checker.check_due()
    assert Rule.objects.get(pk=rule.pk).problem == "Plcloud lists no domain not-ours.example.com."
    assert receiver.got == [] and not Incident.objects.exists()


def test_balance_below_n_days_reads_the_balance_and_the_kept_week(
    receiver, operator, connect_demo, make_channel, make_rule, wire
):
    from cdn import flow_sums
    from cdn.models import AccountFlow

    if wire == "sdk":
        pytest.skip("the sdk profile has no balance read")
    connect_demo(operator)
    tenant = operator.plcloud.tenant_id
    AccountFlow.objects.create(tenant_id=tenant, period="7d")
    flow_sums.refresh(user_id=operator.pk, tenant_id=tenant, period="7d")  # what the worker keeps
    rule = make_rule("Budget", RuleKind.BALANCE_DAYS, [make_channel("S", "slack", receiver.url("/services/b"))],
                     threshold=100000)  # fmt: skip
    checker.check_due()
    assert Rule.objects.get(pk=rule.pk).problem == ""
    (text,) = receiver.texts("/services/b")
    assert text.startswith("[Plcloud Panel] Alert firing: Budget\n") and "fewer than 100000." in text

    Rule.objects.filter(pk=rule.pk).update(threshold=0, due_at=None)  # an operator lowers it: it clears
    checker.check_due()
    assert receiver.texts("/services/b")[1].startswith("[Plcloud Panel] Alert resolved: Budget\n")
    assert "days of traffic left." in receiver.texts("/services/b")[1]


def test_the_5xx_share_and_a_domains_bandwidth_cost_a_bounded_number_of_calls(
    receiver, operator, connect_demo, make_channel, make_rule, sandbox
):
    from alerts.conditions import LOG_PAGES

    connect_demo(operator)
    slack = make_channel("S", "slack", receiver.url("/services/s"))
    share = make_rule("5xx", RuleKind.ERROR_SHARE, [slack], threshold=100, window_minutes=15,
                      domain_name="www.demo-shop.com")  # fmt: skip
    peak = make_rule("Peak", RuleKind.BANDWIDTH, [slack], threshold=0, window_minutes=60,
                     domain_name="www.demo-shop.com")  # fmt: skip
    sandbox.forget_requests()
    assert checker.check_due() == 2
    assert 1 <= len(sandbox.calls("GET", "/cdn/request_log")) <= LOG_PAGES
    assert len(sandbox.calls("GET", "/cdn/domain")) <= 1  # the list, read once and cached for the second rule
    assert len([c for c in sandbox.calls("GET") if "/cdn/flow/" in c["path"]]) == 1
    assert Rule.objects.get(pk=share.pk).problem == "" and Rule.objects.get(pk=peak.pk).problem == ""
    (text,) = receiver.texts("/services/s")  # the share is never above 100%; the busy domain's peak is above 0
    assert text.startswith("[Plcloud Panel] Alert firing: Peak\nPeak bandwidth ") and "above 0 Mbit/s." in text
    assert Incident.objects.get().rule_id == peak.pk
