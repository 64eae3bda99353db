"""One team, two Plcloud tenants: what the panel keeps about upstream objects (audit rows, jobs,
exports, notifications, cached reads, the account's kept traffic, its records of tickets) is keyed
by the tenant it was made under, never by a name, and shows only to members connected to that
tenant (all of them for jobs and audit rows: they share one account; notices stay their member's).
Each page a member of the other tenant reads is an attempt; a marker of the other side on it is a
leak.
"""

import re
import uuid

import pytest
from django.test import Client

from accounts.models import Role
from audit.models import AuditEntry
from jobs.flush_run import flush_step
from jobs.models import Job
from notifications.models import Notification
from tests.panel_fixtures import make_member
from tests.report import count
from tickets.models import TicketEvent

LINE = "tenant isolation"


@pytest.fixture
def team(members, connect_as):
    """Demo: ada (admin), otto (operator), vera (viewer, as alice). Team2: tina (operator), tom (admin)."""
    tina, tom = make_member("tina", Role.OPERATOR), make_member("tom", Role.ADMIN)
    for user, plcloud_user in (
        (members["admin"], "demo"),
        (members["operator"], "demo"),
        (members["viewer"], "alice"),
        (tina, "team2"),
        (tom, "team2"),
    ):
        connect_as(user, plcloud_user)
    return {"ada": members["admin"], "otto": members["operator"], "vera": members["viewer"], "tina": tina, "tom": tom}


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def look(user, url: str, *, hidden: list[str], allowed: frozenset = frozenset({200})) -> str:
    """One attempt: ``user`` reads ``url``; none of ``hidden`` may be on the page."""
    response = browser(user).get(url)
    page = response.content.decode(errors="replace")
    leaked = [marker for marker in hidden if marker in page]
    count(LINE, "tenant-isolation attempts")
    count(LINE, "leaks", int(bool(leaked)))
    assert response.status_code in allowed, f"{user} GET {url}: {response.status_code}"
    assert not leaked, f"{user} GET {url} shows {leaked}"
    return page


def test_a_domain_pages_recent_changes_are_its_own_by_id_tenant_and_role(team, demo):
    fresh_name = f"i{uuid.uuid4().hex[:10]}.isolation-test.com"
    made = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    domain_page = f"/cdn/{made['domainId']}/"
    ada, otto, vera, tina, tom = (team[name] for name in ("ada", "otto", "vera", "tina", "tom"))
    assert browser(otto).post(f"{domain_page}toggle/", {"enable": "0", "confirmed": "1"}).status_code == 302
    # A member of the other tenant tries to create a domain of the same name: refused upstream,
    # and recorded as a failed change under their own tenant.
    attempt = {"domain": fresh_name, "origin_ips": "114.114.114.114", "areas": ["hk"], "type": "web"}
    assert browser(tina).post("/cdn/new/", attempt).status_code == 200
    assert AuditEntry.objects.get(actor=tina, action="cdn.create").outcome == "failed"

    def changes(page: str) -> str:
        return page.split("Recent changes</h2>", 1)[1].split("</ul>", 1)[0]

    # The admin of the domain's tenant sees the member's change, and nothing of the other tenant's.
    shown = look(ada, domain_page, hidden=["tina"])
    assert "otto" in changes(shown) and f"Disabled domain {fresh_name}" in changes(shown)
    # A viewer of the same tenant reads the team's changes too (one account, one record).
    assert "otto" in changes(look(vera, domain_page, hidden=["tina"]))
    # The audit page: each tenant's members see their own tenant's rows, whatever their role.
    assert f"Disabled domain {fresh_name}" in look(ada, "/audit/", hidden=["tina"])
    assert f"Disabled domain {fresh_name}" in look(vera, "/audit/", hidden=["tina"])
    assert f"Added domain {fresh_name}" in look(tom, "/audit/", hidden=["otto", str(made["domainId"])])
    # Each row says under which tenant, and the domain's by its id.
    refused = AuditEntry.objects.get(actor=tina, action="cdn.create")
    disabled = AuditEntry.objects.get(actor=otto, action="cdn.disable")
    assert refused.tenant_id == tina.plcloud.tenant_id
    assert (disabled.object_id, disabled.tenant_id) == (str(made["domainId"]), otto.plcloud.tenant_id)
    demo.cdn.delete(made["domainId"])


def test_a_members_jobs_and_notices_stay_with_the_tenant_they_were_made_under(team, connect_as, sandbox, www):
    otto = team["otto"]
    demo_tenant = otto.plcloud.tenant_id
    mark = uuid.uuid4().hex[:10]
    form = {"urls": f"https://www.demo-shop.com/{mark}.css", "dirs": "", "action": "send"}
    assert browser(otto).post(f"/jobs/flush/new/?domain={www['domainId']}", form).status_code == 302
    job = Job.objects.get(owner=otto)

    connect_as(otto, "team2")  # the same member, now on the other account
    job_pages = [f"/jobs/{job.pk}/{end}" for end in ("", "progress/", "download/")]
    for url in job_pages:
        look(otto, url, hidden=[mark], allowed=frozenset({404}))
    assert job.domain_name not in look(otto, "/jobs/", hidden=[mark])
    # The worker sends nothing for it while its owner is on another tenant, and says why.
    sandbox.forget_requests()
    assert flush_step(job.pk, owner="isolation-test") is not None
    job.refresh_from_db()
    assert job.state == "waiting" and "another Plcloud tenant" in job.error
    assert sandbox.calls("PUT", "/cdn/cache_flush") == []

    connect_as(otto, "demo")
    assert mark in look(otto, f"/jobs/{job.pk}/", hidden=[])
    while flush_step(job.pk, owner="isolation-test") is not None:
        pass
    job.refresh_from_db()
    assert job.state == "succeeded" and len(sandbox.calls("PUT", "/cdn/cache_flush")) == 1
    assert (job.tenant_id, job.domain_id) == (demo_tenant, str(www["domainId"]))
    notice = Notification.objects.get(job=job)
    assert notice.tenant_id == demo_tenant
    assert 'id="ticket-notifications-badge"' in look(otto, "/tickets/notifications/", hidden=[])

    connect_as(otto, "team2")
    page = look(otto, "/tickets/notifications/", hidden=[f"/jobs/{job.pk}/"])
    assert 'id="ticket-notifications-badge"' not in page and "No unread notifications." in page


def test_cached_reads_are_the_tenants_they_were_read_under(team, connect_as, panel_settings, demo):
    panel_settings.CDN_CACHE_SECONDS = 3600  # the demo list stays cached for the whole test
    otto = team["otto"]
    demo_names = [d["domainName"] for d in demo.cdn.list()]
    assert "www.demo-shop.com" in look(otto, "/cdn/", hidden=["www.team2-example.net"])
    connect_as(otto, "team2")
    assert "www.team2-example.net" in look(otto, "/cdn/", hidden=demo_names)
    assert "www.team2-example.net" not in look(otto, "/cdn/traffic/", hidden=demo_names)


def test_the_panels_record_of_a_ticket_carries_its_tenant(team, demo):
    otto = team["otto"]
    ticket = demo.ticket.create(f"Isolation {uuid.uuid4().hex[:8]}", "A ticket whose status the panel changes.")
    assert browser(otto).post(f"/tickets/{ticket['id']}/accept/").status_code == 302
    event = TicketEvent.objects.get(ticket_id=ticket["id"])
    assert event.tenant_id == otto.plcloud.tenant_id
    # The other tenant cannot read the ticket upstream, so the panel shows nothing of it either.
    look(team["tina"], f"/tickets/{ticket['id']}/", hidden=[ticket["summary"], "otto"], allowed=frozenset({404}))


def test_the_kept_traffic_sums_are_read_under_a_member_of_the_tenant_and_shown_only_to_its_members(team, sandbox, demo):
    otto, vera, tina = team["otto"], team["vera"], team["tina"]
    assert "being read" in look(otto, "/cdn/traffic/?period=30d", hidden=[])
    from cdn.tasks import read_account_flow  # here: the page's answer above comes first

    # The read the page queued, as a worker runs it: under otto's own token.
    read_account_flow(otto.pk, otto.plcloud.tenant_id, "30d")
    shown = look(otto, "/cdn/traffic/?period=30d", hidden=[])
    figures = re.search(r"[\d.,]+\xa0[KMGT]?B over \d+ domains", shown)[0]
    # vera is on the same Plcloud account (as alice): she sees the same figures, nothing read again.
    sandbox.forget_requests()
    assert figures in look(vera, "/cdn/traffic/?period=30d", hidden=[])
    assert sandbox.calls() == []
    # tina's account is another: none of it, her own read is queued.
    assert "being read" in look(tina, "/cdn/traffic/?period=30d", hidden=[figures, "Read at"])
    # A read for a tenant asked under a member who is not connected to it sends nothing.
    sandbox.forget_requests()
    read_account_flow(tina.pk, otto.plcloud.tenant_id, "30d")
    assert sandbox.calls() == []
