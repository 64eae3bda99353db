from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import has_role, role_required
from connections.problems import explain
from connections.services import read
from connections.tenancy import request_tenant
from plcloud import PlcloudError
from plcloud_panel.converters import plcloud_id
from tickets import selectors, services
from tickets.forms import MAX_SUMMARY, MAX_TEXT, FilterForm, ReplyForm, TicketForm


@role_required(Role.VIEWER)
def ticket_list(request):
    form = FilterForm(request.GET or None, admin=has_role(request.user, Role.ADMIN))
    filters = form.cleaned_data if form.is_valid() else {}
    user_id = filters.get("user_id") or None
    tickets, problem = read(request, lambda client: client.ticket.list(user_id))
    tickets = selectors.browse(
        request.user,
        tickets or [],
        tenant=request_tenant(request),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    context = {"form": form, "tickets": tickets, "problem": problem, "other_user": user_id}
    return render(request, "tickets/ticket_list.html", context)


@role_required(Role.VIEWER)
def ticket_detail(request, ticket_id):
    return _detail(request, ticket_id, ReplyForm())


def _detail(request, ticket_id, reply_form):
    found, problem = read(request, lambda client: (client.ticket.get(ticket_id), client.ticket.list_reply(ticket_id)))
    ticket, replies = found or (None, [])
    tenant = request_tenant(request)
    if ticket is not None:
        seen = max(selectors.count(ticket.get("reply_count")), len(replies))
        selectors.mark_seen(request.user, ticket_id, tenant=tenant, replies=seen)
    context = {
        "ticket_id": ticket_id,
        "ticket": selectors.dressed(ticket) if ticket else None,
        "replies": selectors.dressed_replies(replies),
        # The panel's own record of the ticket shows only with the ticket: another member's
        # history must not show to someone Plcloud does not let see the ticket.
        "events": selectors.history(ticket_id, tenant=tenant) if ticket is not None else [],
        "reply_form": reply_form,
        "problem": problem,
    }
    status = 404 if problem and problem.missing else 200
    return render(request, "tickets/ticket_detail.html", context, status=status)


@role_required(Role.OPERATOR)
@require_POST
def ticket_reply(request, ticket_id):
    """Reply; on any failure the page comes back with the text as typed and a retry button."""
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply(request, ticket_id=ticket_id, content=form.cleaned_data["content"])
        except PlcloudError as error:
            form.add_error(None, explain(error).message)
        else:
            messages.success(request, _("Reply sent. Support will answer here."))
            return redirect("tickets:detail", ticket_id=ticket_id)
    return _detail(request, ticket_id, form)


@role_required(Role.VIEWER)
def notifications(request):
    """The member's unread "support replied" notices, from the database only."""
    unread = selectors.unread_notifications(request.user, tenant=request_tenant(request))[:200]
    return render(request, "tickets/notifications.html", {"notifications": unread})


@role_required(Role.VIEWER)
@require_POST
def notifications_read(request):
    count = selectors.mark_all_read(request.user, tenant=request_tenant(request))
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect("tickets:notifications")


@role_required(Role.OPERATOR)
def ticket_new(request):
    """Open a ticket; ``?summary=&description=`` prefill it from another page."""
    prefill = {
        "summary": request.GET.get("summary", "")[:MAX_SUMMARY],
        "description": request.GET.get("description", "")[:MAX_TEXT],
    }
    form = TicketForm(request.POST or None, initial=prefill)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.create_ticket(request, **form.cleaned_data)
        except PlcloudError as error:
            form.add_error(None, explain(error).message)
        else:
            messages.success(request, _("Ticket opened. Support will answer here."))
            return _after_create(ticket)
    return render(request, "tickets/ticket_new.html", {"form": form})


def _after_create(ticket: dict):
    """The new ticket's page; the list when Plcloud's answer named no id the panel can route."""
    ref = plcloud_id(ticket.get("id"))
    return redirect("tickets:detail", ticket_id=ref) if ref else redirect("tickets:list")


@role_required(Role.OPERATOR)
def ticket_status(request, ticket_id, status):
    """GET: the confirmation step (works without JavaScript). POST: accept or close."""
    failure = None
    if request.method == "POST":
        try:
            services.change_status(request, ticket_id=ticket_id, status=status)
        except PlcloudError as error:
            failure = explain(error)
        else:
            done = _("Ticket closed.") if status == "closed" else _("Answer accepted.")
            messages.success(request, done)
            return redirect("tickets:detail", ticket_id=ticket_id)
    ticket, problem = read(request, lambda client: client.ticket.get(ticket_id))
    context = {"ticket_id": ticket_id, "ticket": selectors.dressed(ticket) if ticket else None, "status": status}
    context |= {"problem": failure or problem, "failed": failure is not None}
    missing = ticket is None and problem is not None and problem.missing
    return render(request, "tickets/ticket_confirm.html", context, status=404 if missing else 200)
