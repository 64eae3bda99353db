"""The audit page in the reader's language: each row's action as a sentence naming what changed,
its detail as "word: value" lines; never an action code or a Python dict (an unknown action, only,
shows its code)."""

import re
import uuid

import pytest
from django.conf import settings
from django.utils import translation

from audit import describe
from audit.models import AuditEntry
from audit.services import record
from cdn import services as cdn_services
from cdn.objects import Domain
from connections.services import client_for

HOST = "https://www.demo-shop.com"


@pytest.fixture
def changes(op, operator, admin, viewer, client, demo, www):
    """Changes made through the panel: a flush, a domain deleted, a role changed; and a retry
    and a refused change as their services record them."""
    flush = {"urls": f"{HOST}/a.js\n{HOST}/b.js", "dirs": f"{HOST}/img/", "action": "send"}
    assert op.post(f"/jobs/flush/new/?domain={www['domainId']}", flush).status_code == 302
    created = Domain.from_wire(demo.cdn.create(f"a{uuid.uuid4().hex[:10]}.panel-test.com", ["114.114.114.114"], ["hk"]))
    cdn_services.delete_domain(client=client_for(operator), user=operator, domain=created)
    record(
        actor=operator, action="jobs.prefetch.retry", object_type="job", object_id=98, detail={"parent": 97, "items": 2}
    )
    record(
        actor=operator,
        action="cdn.disable",
        object_type="domain",
        object_id="1",
        ok=False,
        detail={"domain": "x.example.com"},
    )
    client.force_login(admin)
    assert client.post(f"/team/{viewer.pk}/role/", {"role": "operator"}).status_code == 302
    return created


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_rows_read_as_sentences_with_labelled_details(client, admin, connect_demo, changes, language):
    connect_demo(admin)  # the admin of the tenant the changes were made in
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/audit/").content.decode()
    assert f'<html lang="{language}">' in page
    with translation.override(language):
        sentences = {entry.action: describe.sentence(entry) for entry in AuditEntry.objects.all()}
        domain_word = str(describe.KEYS["domain"])
    made = {"jobs.flush", "cdn.delete", "jobs.prefetch.retry", "cdn.disable", "member.role", "connection.connect"}
    assert set(sentences) == made
    for sentence in sentences.values():
        assert f'<td class="audit-what">{sentence}</td>' in page
    assert not any(f"{kind}." in page for kind in ("jobs", "cdn", "member", "connection"))
    assert "{&#x27;" not in page and "{'" not in page and "[&#x27;" not in page
    assert re.search(rf"<li>{domain_word}\s*[:：]\s*www\.demo-shop\.com</li>", page)
    if language == "en":
        assert sentences["connection.connect"].startswith("Connected to Plcloud as ")
        assert {action: sentences[action] for action in made - {"connection.connect"}} == {
            "jobs.flush": "Flushed 2 URLs and 1 directory on www.demo-shop.com",
            "cdn.delete": f"Deleted domain {changes.name}",
            "jobs.prefetch.retry": "Retried 2 items of job 97",
            "cdn.disable": "Disabled domain x.example.com",
            "member.role": "Changed the role of vera from Viewer to Operator",
        }
    else:  # the roles' words are in the catalog already
        assert "只读成员" in sentences["member.role"] and "操作员" in sentences["member.role"]
    # Filtered by a kind of change, named as words.
    jobs_only = client.get("/audit/", {"action": "jobs"}).content.decode()
    assert sentences["jobs.flush"] in jobs_only and sentences["cdn.delete"] not in jobs_only


def test_a_row_with_less_detail_still_reads_as_a_sentence():
    def sentence(action, object_id="", detail=None, object_type="job"):
        entry = AuditEntry(action=action, object_type=object_type, object_id=object_id, detail=detail or {})
        with translation.override("en"):
            return describe.sentence(entry)

    assert sentence("jobs.flush", "12") == "Flush job 12"  # failed at its end: no detail
    assert sentence("jobs.flush", "www.example.com") == "Asked to flush the cache of www.example.com"  # refused
    assert sentence("jobs.flush", "12", {"domain": "a.example.com", "urls": 0, "dirs": 1}) == (
        "Flushed 1 directory on a.example.com"
    )
    assert sentence("cdn.urls.add", detail={"added": 0, "asked": 3}) == "Asked to add 3 URLs to the common URLs"
    assert sentence("member.role", "vera", {"old": "", "new": "admin"}, "member") == "Changed the role of vera to Admin"
    assert sentence("ticket.status", "tk-1", {"old": "open", "new": "closed"}, "ticket") == (
        "Changed the status of ticket tk-1 from Open: waiting for support to Closed"
    )
    assert sentence("alerts.rule.pause", "Failed jobs", object_type="alert rule") == "Paused alert rule Failed jobs"
    assert sentence("jobs.analyze", "7", {"domain": "a.example.com"}) == "Analysed the request log of a.example.com"
    assert sentence("member.password", "nina", object_type="member") == (
        "Chose a password of their own, replacing the initial one"
    )
    assert sentence("jobs.teleport", "5") == "jobs.teleport"  # unknown: its code


def test_an_error_kept_in_one_language_is_read_in_the_other(client, admin):
    """A member served in Chinese failed a change: their row's explanation reads in English to an
    English reader; Plcloud's own words stay as they were."""
    from django.utils.translation import gettext

    from connections import problems

    with translation.override("zh-hans"):
        said = gettext(problems.NOT_REACHABLE)
        refused = gettext(problems.REFUSED) % {"reason": "domain: already exists"}
    record(actor=admin, action="member.add", object_id="nina", ok=False, error=said)
    record(actor=admin, action="member.add", object_id="otto", ok=False, error=refused)
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/audit/").content.decode()
    assert "Plcloud is not reachable right now. Nothing was lost; try again in a minute." in page
    assert "Plcloud refused the request: domain: already exists" in page
    assert said not in page


def test_an_exports_window_reads_in_the_readers_time_zone(client, admin):
    """The window is recorded in UTC; a reader in New York reads it as every other time on their pages."""
    from accounts.models import Membership

    Membership.objects.filter(user=admin).update(time_zone="America/New_York")
    window = {"start_at": "2026-11-27 13:00:00+00:00", "end_at": "2026-11-27 14:30:00+00:00"}
    detail = {"domain": "www.example.com", **window}
    record(actor=admin, action="jobs.export", object_type="job", object_id="7", detail=detail)
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/audit/").content.decode()
    assert "From: 2026-11-27 08:00:00 UTC-0500" in page
    assert "To: 2026-11-27 09:30:00 UTC-0500" in page
    assert "+00:00" not in page


def test_a_kind_in_the_detail_reads_as_the_word_of_what_recorded_it():
    def lines(action, detail):
        entry = AuditEntry(action=action, object_type="alert rule", object_id="x", detail=detail)
        with translation.override("en"):
            return describe.detail_lines(entry)

    rule = {"kind": "job_failed", "threshold": None}
    assert lines("alerts.rule.create", rule) == ["Kind: A job failed", "Threshold: —"]
    assert lines("alerts.channel.create", {"kind": "dingtalk"}) == ["Kind: DingTalk group robot"]
    assert lines("alerts.rule.create", {"kind": "new_kind"}) == ["Kind: new_kind"]  # unknown: as recorded
