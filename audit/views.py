from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.models import Role
from accounts.roles import role_required
from audit.forms import AuditFilterForm
from audit.selectors import entries_for
from connections.tenancy import request_tenant


@role_required(Role.VIEWER)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = entries_for(request.user, tenant=request_tenant(request), **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})
