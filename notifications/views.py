from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import role_required
from connections.tenancy import request_tenant
from notifications import selectors, services


@role_required(Role.VIEWER)
def notification_list(request):
    """The member's unread notices, from the database only."""
    unread = selectors.unread_list(user=request.user, tenant=request_tenant(request))
    return render(request, "notifications/list.html", {"notifications": unread})


@role_required(Role.VIEWER)
@require_POST
def mark_all_read(request):
    if services.mark_all_read(user=request.user, tenant=request_tenant(request)):
        messages.success(request, _("All notifications marked read."))
    return redirect("notifications:list")
