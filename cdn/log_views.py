"""The request-log page of a domain (its export button posts to jobs.export_views)."""

from datetime import timedelta

from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import role_required
from cdn import selectors
from cdn.forms import LogWindowForm
from cdn.log_filters import matcher
from cdn.log_stats import Tally
from cdn.logs import FILTERED, Cursor, scan, sizing
from connections.problems import explain
from connections.request_client import client_for_request
from plcloud import NotFound, PlcloudError
from plcloud.log_window import LogWindow


def _domain(request, domain_id: str) -> dict:
    """The page's domain, or the problem reading it (the form is shown either way); 404 when
    Plcloud has no such domain for the member."""
    try:
        domain = selectors.get_domain(client=client_for_request(request), domain_id=domain_id)
    except NotFound:
        raise Http404 from None
    except PlcloudError as error:
        return {"domain": None, "problem": explain(error)}
    return {"domain": domain, "problem": None}


def _default_window() -> QueryDict:
    end = timezone.localtime().replace(second=0, microsecond=0) + timedelta(minutes=1)
    query = QueryDict(mutable=True)
    query.update({"log_type": "cache", "start_at": (end - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    query["end_at"] = end.strftime("%Y-%m-%dT%H:%M")
    return query


@role_required(Role.VIEWER)
def domain_logs(request, domain_id: str):
    """A window of the log, 100 matching entries a page; ``after`` is the signed position to go on from."""
    form = LogWindowForm(request.GET if "start_at" in request.GET else _default_window())
    context = {**_domain(request, domain_id), "form": form, "page": None}
    if context["domain"] is None or not form.is_valid():
        return render(request, "cdn/domain_logs.html", context, status=200 if form.is_valid() else 400)
    window = form.window()
    keep = matcher(**{k: window[k] for k in ("status_class", "cache_state", "url_contains")})
    try:
        client = client_for_request(request)
        log = LogWindow(
            client.cdn, domain_id, window["log_type"], window["start_at"], window["end_at"], sizing=sizing(bool(keep))
        )
        cursor = Cursor.unsign(request.GET["after"], log) if request.GET.get("after") else None
        if request.GET.get("after") and cursor is None:
            form.add_error(None, _("That page link is damaged or out of date; showing the first page."))
        page = scan(log, keep, cursor)
    except PlcloudError as error:
        context["problem"] = explain(error)
        return render(request, "cdn/domain_logs.html", context)
    query = request.GET.copy() if "start_at" in request.GET else _default_window()
    query.pop("after", None)
    context.update(page=page, first_query=query.urlencode())
    if page.next is not None:
        query["after"] = page.next.sign(log)
        context["next_query"] = query.urlencode()
    return render(request, "cdn/domain_logs.html", context)


# The analytics page counts at most this many entries itself (a few answers, a quick page); a
# larger window runs as a job (jobs.export_views, with analyze) that counts all of it.
ON_PAGE_ENTRIES = 20_000


@role_required(Role.VIEWER)
def domain_log_analytics(request, domain_id: str):
    """Counts over a window of the log (cdn.log_stats), read here up to ON_PAGE_ENTRIES."""
    form = LogWindowForm(request.GET if "start_at" in request.GET else _default_window())
    context = {**_domain(request, domain_id), "form": form, "report": None, "analytics": True}
    if context["domain"] is None or not form.is_valid():
        return render(request, "cdn/log_analytics.html", context, status=200 if form.is_valid() else 400)
    window = form.window()
    keep = matcher(**{k: window[k] for k in ("status_class", "cache_state", "url_contains")})
    tally = Tally(start=window["start_at"], end=window["end_at"])
    try:
        client = client_for_request(request)
        start, end = window["start_at"], window["end_at"]
        log = LogWindow(client.cdn, domain_id, window["log_type"], start, end, sizing=FILTERED)
        position, read = log.first(), 0
        while position is not None and read < ON_PAGE_ENTRIES:
            piece = log.read(position)
            read += len(piece.entries)
            for entry in piece.entries if keep is None else filter(keep, piece.entries):
                tally.add(entry)
            position = piece.next
    except PlcloudError as error:
        context["problem"] = explain(error)
        return render(request, "cdn/log_analytics.html", context)
    cut_at = position.at if position else None
    context.update(report=tally.report(), read=read, cut_at=cut_at, on_page_limit=ON_PAGE_ENTRIES)
    return render(request, "cdn/log_analytics.html", context)
