from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import has_role, role_required
from connections.problems import explain
from connections.request_client import client_for_request
from connections.tenancy import request_tenant
from plcloud import PlcloudError
from tickets import selectors, services
from tickets.forms import MAX_SUMMARY, MAX_TEXT, FilterForm, ReplyForm, TicketForm


@role_required(Role.VIEWER)
def ticket_list(request):
    form = FilterForm(request.GET or None, admin=has_role(request.user, Role.ADMIN))
    filters = form.cleaned_data if form.is_valid() else {}
    user_id = filters.get("user_id") or None
    tickets, problem = [], None
    try:
        tickets = selectors.list_tickets(client=client_for_request(request), user_id=user_id)
    except PlcloudError as error:
        problem = explain(error)
    shown = selectors.browse(
        tickets,
        user=request.user,
        tenant=request_tenant(request),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    context = {"form": form, "tickets": shown, "problem": problem, "other_user": user_id}
    return render(request, "tickets/ticket_list.html", context)


@role_required(Role.VIEWER)
def ticket_detail(request, ticket_id):
    return _detail(request, ticket_id, ReplyForm())


def _detail(request, ticket_id, reply_form):
    tenant = request_tenant(request)
    ticket, replies, problem = None, [], None
    try:
        client = client_for_request(request)
        # Both or neither: a thread whose replies could not be read is not shown as if it had none.
        ticket, replies = (
            selectors.get_ticket(client=client, ticket_id=ticket_id),
            selectors.list_replies(client=client, ticket_id=ticket_id),
        )
    except PlcloudError as error:
        problem = explain(error)
    if ticket is not None:
        seen = max(ticket.reply_count, len(replies))
        services.mark_seen(user=request.user, tenant=tenant, ticket_id=ticket_id, replies=seen)
    context = {
        "ticket_id": ticket_id,
        "ticket": ticket,
        "replies": replies,
        # The panel's own record of the ticket shows only with the ticket: another member's
        # history must not show to someone Plcloud does not let see the ticket.
        "events": selectors.history(tenant=tenant, ticket_id=ticket_id) if ticket is not None else [],
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
        content = form.cleaned_data["content"]
        try:
            client = client_for_request(request)
            services.reply(client=client, user=request.user, ticket_id=ticket_id, content=content)
        except PlcloudError as error:
            form.add_error(None, explain(error).message)
        else:
            messages.success(request, _("Reply sent. Support will answer here."))
            return redirect("tickets:detail", ticket_id=ticket_id)
    return _detail(request, ticket_id, form)


@role_required(Role.OPERATOR)
def ticket_new(request):
    """Open a ticket; ``?summary=&description=`` prefill it from another page."""
    prefill = {
        "summary": request.GET.get("summary", "")[:MAX_SUMMARY],
        "description": request.GET.get("description", "")[:MAX_TEXT],
    }
    form, failed = TicketForm(request.POST or None, initial=prefill), None
    if request.method == "POST" and form.is_valid():
        try:
            member = {"client": client_for_request(request), "user": request.user, "tenant": request_tenant(request)}
            ticket = services.create_ticket(**member, **form.cleaned_data)
        except PlcloudError as error:
            failed = explain(error)  # said beside the form, which keeps what was typed
            form.add_error(None, failed.message)
        else:
            messages.success(request, _("Ticket opened. Support will answer here."))
            # The list when Plcloud's answer named no id the panel can route.
            return redirect("tickets:detail", ticket_id=ticket.ref) if ticket.ref else redirect("tickets:list")
    return render(request, "tickets/ticket_new.html", {"form": form, "failed": failed})


@role_required(Role.OPERATOR)
def ticket_status(request, ticket_id, status):
    """GET: the confirmation step (works without JavaScript). POST: accept or close."""
    failure = None
    if request.method == "POST":
        try:
            member = {"client": client_for_request(request), "user": request.user, "tenant": request_tenant(request)}
            services.change_status(**member, ticket_id=ticket_id, status=status)
        except PlcloudError as error:
            failure = explain(error)
        else:
            messages.success(request, _("Ticket closed.") if status == "closed" else _("Answer accepted."))
            return redirect("tickets:detail", ticket_id=ticket_id)
    ticket, problem = None, None
    try:
        ticket = selectors.get_ticket(client=client_for_request(request), ticket_id=ticket_id)
    except PlcloudError as error:
        problem = explain(error)
    context = {"ticket_id": ticket_id, "ticket": ticket, "status": status}
    context |= {"problem": failure or problem, "failed": failure is not None}
    missing = ticket is None and problem is not None and problem.missing
    return render(request, "tickets/ticket_confirm.html", context, status=404 if missing else 200)
