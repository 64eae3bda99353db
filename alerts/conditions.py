"""Whether a rule's condition holds now: one function a kind, each bounded in Plcloud calls.

Each answers a Finding (true or not, and a sentence saying what was seen), or raises Unknown (or a
PlcloudError) when it cannot tell: then the rule's incident stays as it is.

Upstream calls a check makes, at most:
- a job failed: none (the panel's own jobs);
- balance below N days: one (the balance, cdn/balance.py); the week's traffic is the kept sums
  (cdn/flow_sums.py), whose refresh a worker does;
- a domain stuck in configuring: one (the domain list, cached for CDN_CACHE_SECONDS);
- bandwidth: none for the account (the kept 24-hour sums' peak), two for a domain (the list, one
  flow call over the window);
- 5xx share: 1 + LOG_PAGES (the list, then at most LOG_PAGES pages of the request log of the
  window, LOG_PAGE_ENTRIES entries each: the share is of the entries read);
- a ticket answered: one (the ticket list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts.models import Rule, RuleKind
from cdn import flow_sums
from cdn import selectors as cdn_selectors
from cdn.objects import Domain, FlowPoint
from cdn.traffic import CHART_INTERVAL
from jobs.models import Job, JobDomain, State
from plcloud import Client
from tickets import selectors as ticket_selectors
from tickets.models import Status

LOG_PAGES = 3
LOG_PAGE_ENTRIES = 1000
NAMED = 3  # objects named in a message; the rest are counted
FAILED = (State.FAILED, State.PARTIAL)
UPSTREAM = {RuleKind.BALANCE_DAYS, RuleKind.DOMAIN_STUCK, RuleKind.BANDWIDTH, RuleKind.ERROR_SHARE}
UPSTREAM |= {RuleKind.TICKET_ANSWERED}


class Unknown(Exception):
    """The condition cannot be told now; the message says why (no secret)."""


@dataclass(frozen=True)
class Finding:
    firing: bool
    summary: str


def evaluate(rule: Rule, *, client: Client | None, user, since: datetime, now: datetime) -> Finding:
    """``since``: the previous check (or the rule's creation); ``client``/``user``: a member of
    the rule's tenant, for the kinds in UPSTREAM."""
    if rule.kind == RuleKind.JOB_FAILED:
        return job_failed(rule, since=since, now=now)
    checks = {
        RuleKind.BALANCE_DAYS: balance_days,
        RuleKind.DOMAIN_STUCK: domain_stuck,
        RuleKind.BANDWIDTH: bandwidth,
        RuleKind.ERROR_SHARE: error_share,
        RuleKind.TICKET_ANSWERED: ticket_answered,
    }
    if rule.kind not in checks:
        raise Unknown(_("This kind of rule is not known."))
    return checks[rule.kind](rule, client=client, user=user, now=now)


def _named(names: list[str]) -> str:
    shown = ", ".join(names[:NAMED])
    more = len(names) - NAMED
    return shown + (" " + _("and %(count)d more") % {"count": more} if more > 0 else "")


def job_failed(rule: Rule, *, since: datetime, now: datetime) -> Finding:
    """Jobs of the tenant that ended failed (or partly) since the last check."""
    jobs = Job.objects.filter(tenant_id=rule.tenant_id, state__in=FAILED, finished_at__gt=since, finished_at__lte=now)
    if rule.domain_name:
        on_domain = JobDomain.objects.filter(domain_name__iexact=rule.domain_name).values("job")
        jobs = jobs.filter(pk__in=on_domain) | jobs.filter(domain_name__iexact=rule.domain_name)
    names = [f"#{job.pk} {job.get_kind_display()}" for job in jobs.order_by("finished_at")[:10]]
    count = jobs.count()
    if not count:
        return Finding(False, _("No job failed since the last check."))
    text = ngettext("%(count)d job failed: %(names)s.", "%(count)d jobs failed: %(names)s.", count)
    return Finding(True, text % {"count": count, "names": _named(names)})


def balance_days(rule: Rule, *, client: Client, user, now: datetime) -> Finding:
    outlook = cdn_selectors.budget_forecast(client=client, user=user)
    if outlook.forecast is None:
        raise Unknown(_("The balance or the week's traffic is not known yet."))
    days = outlook.days_left
    if days is None:
        return Finding(False, _("No traffic in the last week: the balance is not running down."))
    limit = rule.threshold or 0
    values = {"days": days, "limit": limit}
    if days < limit:
        return Finding(True, _("%(days).1f days of traffic left, fewer than %(limit)g.") % values)
    return Finding(False, _("%(days).1f days of traffic left.") % values)


def _domains(rule: Rule, *, client: Client, user) -> list[Domain]:
    rows = cdn_selectors.domains(client=client, user=user)
    if not rule.domain_name:
        return rows
    wanted = rule.domain_name.casefold().rstrip(".")
    found = [d for d in rows if wanted in (d.name.casefold().rstrip("."), d.display_name.casefold().rstrip("."))]
    if not found:
        raise Unknown(_("Plcloud lists no domain %(name)s.") % {"name": rule.domain_name})
    return found


def domain_stuck(rule: Rule, *, client: Client, user, now: datetime) -> Finding:
    stuck = [d.display_name for d in _domains(rule, client=client, user=user) if d.stuck]
    if not stuck:
        return Finding(False, _("No domain is stuck in configuring."))
    text = ngettext(
        "%(count)d domain stuck in configuring: %(names)s.",
        "%(count)d domains stuck in configuring: %(names)s.",
        len(stuck),
    )
    return Finding(True, text % {"count": len(stuck), "names": _named(stuck)})


def _one_domain(rule: Rule, *, client: Client, user) -> Domain:
    if not rule.domain_name:
        raise Unknown(_("This rule needs a domain."))
    domain = _domains(rule, client=client, user=user)[0]
    if domain.ref is None:
        raise Unknown(_("Plcloud gave the domain %(name)s no id.") % {"name": rule.domain_name})
    return domain


def bandwidth(rule: Rule, *, client: Client, user, now: datetime) -> Finding:
    """The peak in Mbit/s: a domain's over the window (one flow call), or the account's over the
    last 24 hours as the worker last summed it (no call)."""
    if rule.domain_name:
        domain = _one_domain(rule, client=client, user=user)
        start = now - timedelta(minutes=rule.window_minutes)
        points = FlowPoint.from_wire_list(
            client.cdn.flow(domain.ref, start_at=start, end_at=now, interval=CHART_INTERVAL)
        )
        peak = max((p.bandwidth for p in points if p.at is None or p.at >= start), default=0)
    else:
        sums = flow_sums.kept(user=user, period="24h")
        if not sums.read:
            raise Unknown(_("The account's traffic has not been read yet."))
        peak = sums.row.peak_bandwidth
    mbits = peak / 1_000_000
    values = {"peak": mbits, "limit": rule.threshold or 0}
    if mbits > (rule.threshold or 0):
        return Finding(True, _("Peak bandwidth %(peak).1f Mbit/s, above %(limit)g Mbit/s.") % values)
    return Finding(False, _("Peak bandwidth %(peak).1f Mbit/s.") % values)


def error_share(rule: Rule, *, client: Client, user, now: datetime) -> Finding:
    """The share of 5xx answers among the window's log entries read (at most LOG_PAGES pages)."""
    domain = _one_domain(rule, client=client, user=user)
    start = now - timedelta(minutes=rule.window_minutes)
    total = errors = 0
    marker = None
    for _page in range(LOG_PAGES):
        entries, marker = client.cdn.request_log_page(
            domain.ref, "cache", start, now, limit=LOG_PAGE_ENTRIES, marker=marker
        )
        for entry in entries:
            status = entry.get("status") if isinstance(entry, dict) else None
            total += 1
            errors += isinstance(status, int) and 500 <= status < 600
        if not marker:
            break
    if not total:
        return Finding(False, _("No requests in the window."))
    share = 100 * errors / total
    values = {"share": share, "limit": rule.threshold or 0, "count": total}
    if share > (rule.threshold or 0):
        return Finding(True, _("%(share).1f%% of %(count)d requests answered 5xx, above %(limit)g%%.") % values)
    return Finding(False, _("%(share).1f%% of %(count)d requests answered 5xx.") % values)


def ticket_answered(rule: Rule, *, client: Client, user, now: datetime) -> Finding:
    tickets = ticket_selectors.list_tickets(client=client)
    if rule.domain_name:
        tickets = ticket_selectors.mentioning(tickets, rule.domain_name)
    answered = [t for t in tickets if t.status == Status.ANSWERED]
    if not answered:
        return Finding(False, _("No ticket waits for the team."))
    names = [f"{t.wire_id}: {t.summary}"[:80] for t in answered]
    text = ngettext(
        "Support answered %(count)d ticket: %(names)s.", "Support answered %(count)d tickets: %(names)s.", len(answered)
    )
    return Finding(True, text % {"count": len(answered), "names": _named(names)})
