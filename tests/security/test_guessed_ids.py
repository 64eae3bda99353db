"""Object access by guessing ids: another member, or another Plcloud user or account, asks for
every id-taking URL of someone else's object. Each answers 404 (403 where the role decides) and
the page holds nothing of the object; no action changes it.
"""

import uuid

import pytest
from django.utils import timezone

from accounts.models import Role
from cdn.objects import Domain
from connections.models import PlcloudConnection
from connections.services import client_for
from jobs.models import ItemKind, ItemState, Job, JobItem, Kind, State
from notifications.models import Notification
from tests.panel_fixtures import make_member
from tests.security.tally import TALLY


@pytest.fixture
def world(members, connect_as, client):
    """otto (operator, Plcloud demo) owns a job, a ticket with history, a notification and audit
    rows; the others guess: vera (viewer, as alice), tina (operator, as team2), ada (admin, as
    alice), olga (no role, as demo)."""
    otto = members["operator"]
    tina = make_member("tina", Role.OPERATOR)
    connect_as(otto, "demo")
    connect_as(members["viewer"], "alice")
    connect_as(tina, "team2")
    connect_as(members["admin"], "alice")
    connect_as(members["outsider"], "demo")
    mark = uuid.uuid4().hex[:10]
    ticket = client_for(otto).ticket.create(f"private-ticket-{mark}", f"private description {mark}")
    client.force_login(otto)
    assert client.post(f"/tickets/{ticket['id']}/accept/").status_code == 302  # history, audit row
    tenant = otto.plcloud.tenant_id
    job = Job.objects.create(
        owner=otto,
        tenant_id=tenant,
        kind=Kind.PREFETCH,
        domain_id="206813",
        domain_name=f"job-domain-{mark}.example.com",
        state=State.PARTIAL,
        finished_at=timezone.now(),
    )
    JobItem.objects.create(
        job=job, url=f"https://www.demo-shop.com/private-{mark}.js", kind=ItemKind.URL, state=ItemState.FAILED
    )
    Notification.objects.create(
        user=otto, tenant_id=tenant, ticket_id=ticket["id"], summary=f"private-note-{mark}", reply_count=1
    )
    team2_domains, demo_domains = client_for(tina).cdn.list(), client_for(otto).cdn.list()
    team2_domain, demo_domain = team2_domains[0], demo_domains[0]
    return {
        "members": members | {"tina": tina},
        "ticket": ticket,
        "job": job,
        "team2_domain": team2_domain,
        "team2_ids": [d["domainId"] for d in team2_domains],
        "demo_ids": [d["domainId"] for d in demo_domains][:6],
        "demo_domain": demo_domain,
        # Anything of these on a guesser's page is an exposure.
        # (Not the ids themselves: a guesser typed them, and a page may say which one it did not find.)
        "otto_markers": [mark, "private-ticket", job.domain_name, "otto", "changed the status"],
        "team2_markers": [team2_domain["domainName"], team2_domain["cname"], *team2_domain["origin_ips"]],
        "demo_markers": [demo_domain["domainName"], demo_domain["cname"]],
    }


def guess(client, user, method: str, url: str, markers: list[str], allowed: set[int], data=None):
    client.force_login(user)
    response = client.get(url) if method == "GET" else client.post(url, data or {})
    body = response.content.decode(errors="replace")
    leaked = [m for m in markers if m and m in body]
    TALLY.ids_guessed += 1
    TALLY.exposed += bool(leaked) or response.status_code not in allowed
    assert response.status_code in allowed, f"{user} {method} {url}: {response.status_code}"
    assert not leaked, f"{user} {method} {url}: the page shows {leaked}"
    return response


def test_nobody_else_sees_or_acts_on_a_members_job(client, world):
    job, m = world["job"], world["members"]
    ids = [job.pk, job.pk + 1, job.pk + 1000, 2**31, 2**63 - 1]
    for user, read, act in (
        (m["viewer"], {404}, {404}),  # the job is looked up first: a viewer may retry their own exports
        (m["tina"], {404}, {404}),
        (m["admin"], {404}, {404}),  # jobs are their owner's, even for an admin
        (m["outsider"], {403}, {403}),
    ):
        for job_id in ids:
            guess(client, user, "GET", f"/jobs/{job_id}/", world["otto_markers"], read)
            guess(client, user, "GET", f"/jobs/{job_id}/progress/", world["otto_markers"], read)
            guess(client, user, "POST", f"/jobs/{job_id}/retry/", world["otto_markers"], act)
    assert Job.objects.count() == 1  # nothing retried
    # The owner does see it: the guesses were aimed right.
    client.force_login(m["operator"])
    assert world["job"].domain_name in client.get(f"/jobs/{job.pk}/").content.decode()


def test_nobody_else_sees_downloads_cancels_or_reruns_a_members_export(client, world, settings, tmp_path):
    from datetime import timedelta

    from jobs import exports, services

    settings.EXPORT_ROOT = tmp_path / "exports"
    m, otto = world["members"], world["members"]["operator"]
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    window = {"log_type": "cache", "start_at": end - timedelta(minutes=1), "end_at": end}
    domain = next(d for d in client_for(otto).cdn.list() if d["domainName"] == "www.demo-shop.com")
    finished = services.submit_export(user=otto, domain=Domain.from_wire(domain), window=window)
    from jobs.export_run import export_step

    while export_step(finished.pk, owner="guess-test") is not None:
        pass
    running = services.submit_export(user=otto, domain=Domain.from_wire(domain), window=window)
    finished.refresh_from_db()
    path = exports.served_path(finished.export)
    assert path is not None, (finished.state, finished.error)
    markers = [*world["otto_markers"], "client_ip", finished.export.file_name]
    for user, allowed in ((m["viewer"], {404}), (m["tina"], {404}), (m["admin"], {404}), (m["outsider"], {403})):
        for job in (finished, running):
            guess(client, user, "GET", f"/jobs/{job.pk}/", markers, allowed)
            guess(client, user, "GET", f"/jobs/{job.pk}/progress/", markers, allowed)
            guess(client, user, "GET", f"/jobs/{job.pk}/download/", markers, allowed)
            guess(client, user, "POST", f"/jobs/{job.pk}/cancel/", markers, allowed)
            guess(client, user, "POST", f"/jobs/{job.pk}/retry/", markers, allowed)
    running.refresh_from_db()
    assert running.state == "queued" and not running.export.cancel_requested
    assert Job.objects.filter(owner=otto, kind="export").count() == 2 and path.exists()
    client.force_login(otto)  # the guesses were aimed right: the owner downloads it
    assert client.get(f"/jobs/{finished.pk}/download/").status_code == 200


def test_nobody_reads_or_exports_another_accounts_request_log(client, world):
    m = world["members"]
    for user, domain, markers in (
        (m["operator"], world["team2_domain"], world["team2_markers"]),
        (m["tina"], world["demo_domain"], world["demo_markers"]),
    ):
        window = {"log_type": "cache", "start_at": "2026-01-01T00:00", "end_at": "2026-01-01T01:00"}
        guess(client, user, "GET", f"/cdn/{domain['domainId']}/logs/", markers, {404}, None)
        guess(client, user, "POST", f"/cdn/{domain['domainId']}/logs/export/", markers, {404}, window)
    assert not Job.objects.filter(kind="export").exists()


def test_nobody_else_sees_or_acts_on_a_members_ticket(client, world):
    ticket, m = world["ticket"], world["members"]
    tk = ticket["id"]
    for user, read, act in (
        (m["viewer"], {404}, {403}),  # alice is not the author nor an admin upstream
        (m["tina"], {404}, {404}),  # another Plcloud account
        (m["outsider"], {403}, {403}),
    ):
        guess(client, user, "GET", f"/tickets/{tk}/", world["otto_markers"], read)
        for action in ("accept", "close"):
            # The confirmation step is already an operator's page: a viewer gets 403 there.
            guess(client, user, "GET", f"/tickets/{tk}/{action}/", world["otto_markers"], act)
            guess(client, user, "POST", f"/tickets/{tk}/{action}/", world["otto_markers"], act)
        guess(client, user, "POST", f"/tickets/{tk}/reply/", world["otto_markers"], act, {"content": "mine now"})
    assert client_for(m["operator"]).ticket.get(tk)["status"] == "accepted"
    assert client_for(m["operator"]).ticket.list_reply(tk) == [] or all(
        r.get("content") != "mine now" for r in client_for(m["operator"]).ticket.list_reply(tk)
    )


def test_nobody_else_sees_a_members_notifications_audit_rows_or_connection(client, world):
    m = world["members"]
    for user in (m["viewer"], m["tina"]):
        guess(client, user, "GET", "/tickets/notifications/", world["otto_markers"], {200})
        guess(client, user, "POST", "/tickets/notifications/read/", world["otto_markers"], {302})
        guess(client, user, "GET", f"/audit/?obj={world['ticket']['id']}", world["otto_markers"], {200})
        # (The filter box shows "otto" as typed: only the rows' own content counts here.)
        guess(client, user, "GET", "/audit/?actor=otto&action=ticket", [world["ticket"]["id"]], {200})
        guess(client, user, "GET", "/connection/", ["demo-shop", m["operator"].plcloud.plcloud_user_id], {200})
        guess(client, user, "POST", "/connection/disconnect/", world["otto_markers"], {302})
    guess(client, m["outsider"], "GET", "/tickets/notifications/", world["otto_markers"], {403})
    guess(client, m["outsider"], "GET", "/audit/", world["otto_markers"], {403})
    assert Notification.objects.filter(user=m["operator"], read_at__isnull=True).count() == 1
    assert PlcloudConnection.objects.filter(user=m["operator"]).exists()


def test_an_admin_without_the_upstream_right_sees_no_other_users_tickets(client, world):
    m = world["members"]
    demo_user_id = m["operator"].plcloud.plcloud_user_id
    guess(client, m["admin"], "GET", f"/tickets/?user_id={demo_user_id}", world["otto_markers"], {200})


def test_nobody_sees_or_acts_on_another_accounts_domain(client, world):
    m = world["members"]
    cases = (
        (m["operator"], world["team2_domain"], world["team2_ids"], world["team2_markers"]),  # demo guessing team2's
        (m["tina"], world["demo_domain"], world["demo_ids"], world["demo_markers"]),  # team2 guessing demo's
    )
    for user, domain, ids, markers in cases:
        did = domain["domainId"]
        for domain_id in ids:
            guess(client, user, "GET", f"/cdn/{domain_id}/", markers, {404})
            guess(client, user, "GET", f"/cdn/{domain_id}/flow/", markers, {404})
            # The polled row answers 286 (htmx stops polling) with the problem in place of the row.
            guess(client, user, "GET", f"/cdn/{domain_id}/row/", markers, {286})
            guess(
                client,
                user,
                "POST",
                f"/cdn/{domain_id}/",
                markers,
                {404},
                {"edit-origin_ips": "114.114.114.114", "edit-areas": ["hk"]},
            )
            guess(client, user, "GET", f"/cdn/{domain_id}/toggle/?enable=0", markers, {404})
            guess(client, user, "GET", f"/cdn/{domain_id}/delete/", markers, {404})
            guess(client, user, "POST", f"/cdn/{domain_id}/toggle/", markers, {404}, {"enable": "0", "confirmed": "1"})
            guess(
                client,
                user,
                "POST",
                f"/cdn/{domain_id}/delete/",
                markers,
                {404},
                {"delete-confirm": domain["domainName"]},
            )
        # The list again, the domain not in it: "no longer in your list", nothing sent.
        guess(client, user, "GET", f"/cdn/batch/?action=disable&ids={did}", markers, {400})
        batch = {"action": "disable", "ids": [str(did)], "confirmed": "1"}
        guess(client, user, "POST", "/cdn/batch/", markers, {400}, batch)
        guess(client, user, "GET", f"/jobs/flush/new/?domain={did}", markers, {404})
    assert client_for(m["tina"]).cdn.get(world["team2_domain"]["domainId"])["enabled"] is True
    assert client_for(m["operator"]).cdn.get(world["demo_domain"]["domainId"])["domainName"]


def test_nobody_but_an_admin_changes_a_member(client, world):
    m = world["members"]
    otto = m["operator"]
    for user in (m["viewer"], m["tina"], m["outsider"]):
        guess(client, user, "GET", "/team/", ["otto"], {403})
        guess(client, user, "POST", f"/team/{otto.pk}/role/", ["otto"], {403}, {"role": "admin"})
        guess(client, user, "POST", f"/team/{otto.pk}/active/", ["otto"], {403}, {"active": "0"})
    otto.refresh_from_db()
    assert otto.is_active and otto.membership.role == Role.OPERATOR
