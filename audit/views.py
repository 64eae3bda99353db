from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.models import Role
from accounts.roles import role_required
from audit.forms import AuditFilterForm
from audit.selectors import entries_for


@role_required(Role.VIEWER)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(entries_for(request.user, **filters), 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})
