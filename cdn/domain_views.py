"""One domain's pages: the domain (and its edit), enable or disable, delete, its traffic.

Each starts from the domain read fresh from Plcloud: one it does not have answers 404, one it
cannot give (outage, unreadable answer, session) answers a page that says why.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.roles import has_role, role_required
from audit.selectors import entries_for
from cdn import selectors, services
from cdn.forms import DeleteDomainForm, OriginAndAreasForm
from cdn.next_url import local_next
from cdn.objects import Domain
from cdn.views import NOT_SERVED_IN_CN
from connections.problems import explain
from connections.request_client import client_for_request
from connections.tenancy import request_tenant
from plcloud import Client, NotFound, PlcloudError


def _read_domain(request, domain_id: str) -> tuple[Client, Domain]:
    """The request's client and the domain, read fresh; 404 when Plcloud has no such domain (any
    other PlcloudError is the caller's to show)."""
    client = client_for_request(request)
    try:
        return client, selectors.get_domain(client=client, domain_id=domain_id)
    except NotFound:
        raise Http404 from None


def _domain_problem(request, domain_id: str, error: PlcloudError, *, edit_form=None):
    context = {"problem": explain(error), "domain_id": domain_id, "edit_form": edit_form}
    return render(request, "cdn/domain_problem.html", context)


def _edit_form(domain: Domain, data=None) -> OriginAndAreasForm:
    """The domain's edit form. Its ICP record is not always known (an SDK field it is not): a
    blank field keeps whatever record the domain has."""
    initial = domain.edit_initial()
    has_icp = bool(initial["icp_record"])
    return OriginAndAreasForm(data, initial=initial, prefix="edit", areas_before=initial["areas"], has_icp=has_icp)


@role_required(Role.VIEWER)
def domain_detail(request, domain_id: str):
    try:
        client, domain = _read_domain(request, domain_id)
    except PlcloudError as error:
        # The member's edit is kept on the page, to send again once Plcloud answers.
        kept = OriginAndAreasForm(request.POST, prefix="edit") if "edit-origin_ips" in request.POST else None
        return _domain_problem(request, domain_id, error, edit_form=kept)
    edit_form = _edit_form(domain, request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, Role.OPERATOR):
            raise PermissionDenied
        if edit_form.is_valid():
            try:
                updated = services.update_domain(
                    client=client, user=request.user, domain=domain, **edit_form.domain_fields()
                )
            except PlcloudError as error:
                edit_form.add_error(None, explain(error).message)
            else:
                messages.success(request, _("Changes sent; the domain is being configured."))
                if updated.not_served_in_cn:  # only when the answer says so
                    messages.warning(request, NOT_SERVED_IN_CN)
                return redirect("cdn:detail", domain_id)
    return _render_detail(request, domain, edit_form=edit_form)


def _render_detail(request, domain: Domain, *, edit_form=None):
    # The page's jobs and tickets blocks are template tags of those apps (jobs.templatetags,
    # tickets.templatetags): cdn knows nothing of them.
    tenant = request_tenant(request)
    context = {
        "domain": domain,
        "edit_form": edit_form or _edit_form(domain),
        # By the domain's id under the reader's tenant, with the audit page's role rules: another
        # tenant's domain of the same name is another domain.
        "audit": entries_for(request.user, tenant=tenant).filter(object_type="domain", object_id=domain.ref)[:20],
    }
    return render(request, "cdn/domain_detail.html", context)


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def domain_toggle(request, domain_id: str):
    """Enable or disable: a GET shows what will change; disabling takes this page's POST
    (``confirmed``), enabling (the domain page's own button) a plain POST."""
    data = request.POST if request.method == "POST" else request.GET
    back = local_next(request, data.get("next"), reverse("cdn:detail", args=[domain_id]))
    try:
        client, domain = _read_domain(request, domain_id)
    except PlcloudError as error:
        return _domain_problem(request, domain_id, error)
    if data.get("enable") not in {"0", "1"}:
        # Only the page's own buttons send this; anything else is not taken as "disable".
        messages.error(request, _("Use the Enable or Disable button."))
        return redirect("cdn:detail", domain_id)
    enable = data["enable"] == "1"
    if request.method == "GET" or not (enable or data.get("confirmed") == "1"):
        return _confirm(request, domain, action="enable" if enable else "disable", back=back)
    try:
        services.set_enabled(client=client, user=request.user, domain=domain, enabled=enable)
    except PlcloudError as error:
        messages.error(request, explain(error).message)
    else:
        text = _("Enabling %(name)s.") if enable else _("Disabling %(name)s.")
        messages.success(request, text % {"name": domain.display_name})
    return redirect(back)


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def domain_delete(request, domain_id: str):
    """A GET shows what will go and asks for the name, typed; the POST with it deletes."""
    data = request.POST if request.method == "POST" else request.GET
    back = local_next(request, data.get("next"), reverse("cdn:domains"))
    try:
        client, domain = _read_domain(request, domain_id)
    except PlcloudError as error:
        return _domain_problem(request, domain_id, error)
    form = DeleteDomainForm(request.POST or None, domain_name=domain.name, prefix="delete")
    if request.method == "GET":
        return _confirm(request, domain, action="delete", back=back, form=form)
    if not form.is_valid():
        return _confirm(request, domain, action="delete", back=back, form=form, status=400)
    try:
        services.delete_domain(client=client, user=request.user, domain=domain)
    except PlcloudError as error:
        form.add_error(None, explain(error).message)
        return _confirm(request, domain, action="delete", back=back, form=form, status=502)
    messages.success(request, _("Domain %(name)s deleted.") % {"name": domain.display_name})
    return redirect(back)


def _confirm(request, domain: Domain, *, action: str, back: str, form=None, status: int = 200):
    """The page that says what ``action`` will do to the domain, before it is done."""
    context = {"domain": domain, "action": action, "back": back, "form": form}
    return render(request, "cdn/domain_confirm.html", context, status=status)
