"""Every time in the member's time zone, with the zone, in one format per language; the log's
From/To read in that zone and sent upstream in UTC."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from audit.models import AuditEntry
from connections.services import client_for
from jobs.models import Export, Job, Kind
from tests.panel_fixtures import make_member

NEW_YORK, SHANGHAI = "America/New_York", "Asia/Shanghai"
# In January: New York is on standard time, UTC-5.
WHEN = datetime(2026, 1, 15, 12, 0, 5, tzinfo=UTC)


def shown(moment: datetime, zone: str, language: str = "en") -> str:
    """How the panel writes a time in a zone, derived here from the time itself."""
    t = moment.astimezone(ZoneInfo(zone))
    if language == "en":
        return f"{t:%Y-%m-%d %H:%M:%S} UTC{t:%z}"
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M:%S}（UTC{t:%z}）"


def in_zone(user, zone: str):
    Membership.objects.filter(user=user).update(time_zone=zone)
    return user


@pytest.fixture
def pair(members, connect_demo):
    """Two admins of one tenant (admins read each other's audit): one in New York, one in Shanghai."""
    second = make_member("sun", Role.ADMIN)
    for user in (members["admin"], second):
        connect_demo(user)
    return in_zone(members["admin"], NEW_YORK), in_zone(second, SHANGHAI)


def page_as(client, user, url: str, language: str = "en") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_two_members_see_one_ticket_and_one_audit_entry_each_in_their_zone(client, pair):
    new_york, shanghai = pair
    ticket = client_for(new_york).ticket.create("Slow origin in the morning", "It broke.")
    created = datetime.fromisoformat(client_for(new_york).ticket.get(ticket["id"])["created_at"])
    entry = AuditEntry.objects.create(actor=new_york, actor_name=new_york.username, action="member.role")
    AuditEntry.objects.filter(pk=entry.pk).update(at=WHEN)
    for user, zone in ((new_york, NEW_YORK), (shanghai, SHANGHAI)):
        for language in ("en", "zh-hans"):
            other = SHANGHAI if zone == NEW_YORK else NEW_YORK
            audit = page_as(client, user, "/audit/", language)
            assert shown(WHEN, zone, language) in audit and shown(WHEN, other, language) not in audit
            assert '<time datetime="2026-01-15T12:00:05Z">' in audit
            detail = page_as(client, user, f"/tickets/{ticket['id']}/", language)
            assert shown(created, zone, language) in detail and shown(created, other, language) not in detail
    assert "2026-01-15 07:00:05 UTC-0500" in page_as(client, new_york, "/audit/")
    assert "2026年1月15日 20:00:05（UTC+0800）" in page_as(client, shanghai, "/audit/", "zh-hans")


def test_a_member_chooses_their_zone_and_their_job_shows_in_it(client, pair):
    new_york, _shanghai = pair
    job = Job.objects.create(
        owner=new_york, tenant_id=new_york.plcloud.tenant_id, kind=Kind.PREFETCH, domain_id="1", domain_name="x.com"
    )
    Job.objects.filter(pk=job.pk).update(created_at=WHEN, started_at=WHEN + timedelta(seconds=3))
    page = page_as(client, new_york, f"/jobs/{job.pk}/")
    assert shown(WHEN, NEW_YORK) in page and shown(WHEN + timedelta(seconds=3), NEW_YORK) in page
    assert shown(WHEN, NEW_YORK) in page_as(client, new_york, "/jobs/")
    # The header's name leads to the settings page, which offers every zone and the panel's.
    assert 'href="/accounts/settings/"' in page
    settings_page = page_as(client, new_york, "/accounts/settings/")
    assert '<option value="America/New_York" selected>' in settings_page
    assert "The panel's time zone (UTC)" in settings_page and '<option value="Pacific/Auckland">' in settings_page
    response = client.post("/accounts/settings/", {"time_zone": SHANGHAI})
    assert response.status_code == 302
    assert Membership.objects.get(user=new_york).time_zone == SHANGHAI
    assert shown(WHEN, SHANGHAI) in page_as(client, new_york, f"/jobs/{job.pk}/")
    # Blank: the panel's zone (UTC here), whatever it is later set to.
    client.post("/accounts/settings/", {"time_zone": ""})
    assert shown(WHEN, "UTC") in page_as(client, new_york, f"/jobs/{job.pk}/")


def test_a_zone_that_is_not_one_is_refused_next_to_the_field_and_nothing_changes(client, pair):
    new_york, _shanghai = pair
    client.force_login(new_york)
    response = client.post("/accounts/settings/", {"time_zone": "Mars/Olympus_Mons"})
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert re.search(r'<select name="time_zone"[^>]*aria-invalid="true"', page)
    assert "Select a valid choice. Mars/Olympus_Mons is not one of the available choices." in page
    assert Membership.objects.get(user=new_york).time_zone == NEW_YORK


def test_a_superuser_without_a_membership_keeps_admin_when_choosing_a_zone(client, db):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="correct-horse-battery-9")
    client.force_login(root)
    assert client.post("/accounts/settings/", {"time_zone": SHANGHAI}).status_code == 302
    page_as(client, root, "/team/")  # still an admin: the Team page answers 200


def test_the_logs_window_is_read_in_the_members_zone_and_sent_upstream_in_utc(
    client, operator, connect_demo, www, log_answers
):
    connect_demo(operator)
    in_zone(operator, NEW_YORK)
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    start = end - timedelta(minutes=10)
    local = ZoneInfo(NEW_YORK)
    typed = {
        "log_type": "cache",
        "start_at": f"{start.astimezone(local):%Y-%m-%dT%H:%M}",
        "end_at": f"{end.astimezone(local):%Y-%m-%dT%H:%M}",
    }
    page = page_as(client, operator, f"/cdn/{www['domainId']}/logs/?" + "&".join(f"{k}={v}" for k, v in typed.items()))
    assert "Times are in America/New_York." in page and f'value="{typed["start_at"]}"' in page
    # The first slice asked for starts at the UTC start (1 ms wider, plcloud.log_window).
    asked = parse_qs(urlsplit(log_answers[0].url).query)
    sent = datetime.fromisoformat(asked["start_at"][0])
    assert sent == start - timedelta(milliseconds=1) and sent.utcoffset() == timedelta(0)
    times = [datetime.fromisoformat(t) for t in re.findall(r'<time datetime="([^"]+)">', page)]
    assert len(times) == 100 and all(start <= t < end for t in times)
    assert shown(times[0], NEW_YORK) in page and "UTC-0" in page
    # The export of that window keeps it in UTC, and its page shows it in the member's zone.
    client.post(f"/cdn/{www['domainId']}/logs/export/", typed)
    export = Export.objects.get(job__owner=operator)
    assert (export.start_at, export.end_at) == (start, end)
    assert f"{shown(start, NEW_YORK)} – {shown(end, NEW_YORK)}" in page_as(client, operator, f"/jobs/{export.job_id}/")
