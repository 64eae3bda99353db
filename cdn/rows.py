"""The domain table as HTML, for the list page and for a polled row.

Built here rather than by templates: the list page has a speed goal (bench/domain_list.py), and
25 included rows with their ``{% url %}`` and translation tags cost more than the rest of the
page. What the table needs from Django (URLs, translated words) is looked up once, by ``frame()``,
while the page waits for Plcloud; every value from Plcloud goes through ``escape`` (the same
escaping as Django's templates).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from django.core.paginator import Page
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ops.templatetags.pager import pager as pager_context
from plcloud_panel.converters import PlcloudIdConverter, plcloud_id

_ID = PlcloudIdConverter()

# Stands in for a domain id while a URL pattern is reversed once; no real id is this long.
_SENTINEL = 999_999_999_999_999_999


@dataclass(frozen=True)
class Frame:
    """What every row and the table around them take from Django, looked up once per table."""

    can_change: bool
    detail_url: str
    row_url: str
    ticket_url: str
    select: str  # "Select %(name)s", translated, not yet escaped
    copy_label: str
    copy: str
    stuck: str
    not_served: str  # "not served: %(areas)s", translated, not yet escaped
    ticket: str
    head: str
    no_match: str
    no_domains: str
    undated: str

    def table(
        self, request, domains: list[dict], *, page: Page, matching: int, total: int, undated: bool = False
    ) -> SafeString:
        """The shown page of decorated domains (cdn.presenters.decorate) with the count, the
        header and the pager (the same as ``{% pager %}``, keeping the request's filters);
        ``undated``: sorted by creation, but Plcloud gave no creation times."""
        count = ngettext("%(n)s of %(total)s domain", "%(n)s of %(total)s domains", matching) % {
            "n": matching,
            "total": total,
        }
        rows = "".join(_row(domain, self) for domain in domains)
        if not rows:
            rows = f'\n    <tr><td colspan="7">{self.no_match if total else self.no_domains}</td></tr>\n  '
        pager = (
            render_to_string("pager.html", pager_context({"request": request}, page)) if page.has_other_pages() else ""
        )
        if undated:
            count = f"{count} {self.undated}"
        return mark_safe(  # noqa: S308 - every value escaped
            f'<p class="muted">{escape(count)}</p>\n<div class="table-wrap"><table>\n'
            f"  <thead><tr>{self.head}</tr></thead>\n  <tbody>\n  {rows}\n  </tbody>\n</table></div>\n{pager}"
        )


def row_html(domain: dict, *, can_change: bool, attempt: int = 1, delay: str = "2s") -> SafeString:
    """One row, as the row's own poll answers it (``attempt`` and ``delay`` set its next poll)."""
    return mark_safe(_row(domain, frame(can_change), attempt=attempt, delay=delay))  # noqa: S308 - every value escaped


def _url_with_id(name: str) -> str:
    return reverse(name, args=[_SENTINEL]).replace(str(_SENTINEL), "{}")


def frame(can_change: bool) -> Frame:
    headings = [_("Domain"), "CNAME", _("Status"), _("Areas"), _("Origin IPs"), _("Type")]
    head = "".join(f'<th scope="col">{escape(text)}</th>' for text in headings)
    if can_change:
        head = f'<th scope="col"><span class="sr">{escape(_("Select"))}</span></th>' + head
    return Frame(
        can_change=can_change,
        detail_url=_url_with_id("cdn:detail"),
        row_url=_url_with_id("cdn:row"),
        ticket_url=reverse("tickets:new"),
        select=_("Select %(name)s"),
        copy_label=escape(_("Copy CNAME")),
        copy=escape(_("Copy")),
        stuck=escape(_("Stuck")),
        not_served=_("not served: %(areas)s"),
        ticket=escape(_("Open a ticket about this")),
        head=head,
        no_match=escape(_("No domain matches these filters.")),
        no_domains=escape(_("No CDN domains yet.")),
        undated=_("Plcloud gives no creation times, so they are in Plcloud's order."),
    )


def _text(value: object) -> str:
    return escape(str(value)) if value is not None else ""


def _joined(values: object) -> str:
    return _text(", ".join(map(str, values))) if isinstance(values, list) else _text(values)


def _row(domain: dict, table: Frame, *, attempt: int = 1, delay: str = "2s") -> str:
    ref = plcloud_id(domain.get("domainId"))
    # The id as it goes into URLs (plcloud_panel.converters); a row without one is shown, not linked.
    number = _ID.to_url(ref) if ref is not None else ""
    name = _text(domain.get("domainName"))
    shown = _text(domain.get("display_name")) or name
    status = _text(domain.get("status"))
    cname = _text(domain.get("cname"))
    poll = ""
    if domain.get("status") == "configuring" and number:
        url = table.row_url.format(number)
        poll = f' hx-get="{url}?n={int(attempt)}" hx-trigger="load delay:{_text(delay)}" hx-swap="outerHTML"'
    pick = ""
    if table.can_change:
        label = _text(table.select % {"name": domain.get("display_name") or domain.get("domainName") or ""})
        box = f'<input type="checkbox" name="ids" value="{_text(ref)}" id="pick-{number}" aria-label="{label}">'
        pick = f"<td>{box if number else ''}</td>"
    punycode = f"<br><small>{name}</small>" if shown != name else ""
    stuck = _stuck(domain, table) if domain.get("stuck") else ""
    return (
        f'<tr id="domain-{number}"{poll}>\n  {pick}<td>{_link(table.detail_url, number, shown)}'
        f"{punycode}</td>\n"
        f'  <td><code class="cname">{cname}</code> '
        f'<button type="button" class="copy" data-copy="{cname}" aria-label="{table.copy_label}">{table.copy}</button>'
        "</td>\n"
        f'  <td><span class="status status-{status}">{status}</span>{stuck}</td>\n'
        f"  <td>{_joined(domain.get('areas'))}{_unserved(domain, table)}</td>\n"
        f"  <td>{_joined(domain.get('origin_ips'))}</td>\n"
        f"  <td>{_text(domain.get('serviceType'))}</td>\n</tr>\n"
    )


def _unserved(domain: dict, table: Frame) -> str:
    """The areas Plcloud says it does not serve (cn without an ICP record), when it says so."""
    areas = domain.get("unserved")
    if not areas:
        return ""
    return f' <span class="unserved">({_text(table.not_served % {"areas": ", ".join(areas)})})</span>'


def _link(url: str, number: str, text: str) -> str:
    return f'<a href="{url.format(number)}">{text}</a>' if number else text


def _stuck(domain: dict, table: Frame) -> str:
    """The flag on a domain stuck configuring, with a ticket about it started for the member."""
    name = domain.get("domainName") or ""
    summary = _("Domain %(name)s stuck in configuring") % {"name": name}
    description = _("Domain %(name)s (id %(id)s) has been configuring since %(since)s.") % {
        "name": name,
        "id": domain.get("domainId"),
        "since": domain.get("updated_at"),
    }
    query = f"summary={quote(summary, safe='/')}&amp;description={quote(description, safe='/')}"
    link = f'<a href="{table.ticket_url}?{query}">{table.ticket}</a>'
    return f'<br><strong class="error">{table.stuck}</strong>\n      {link}'
