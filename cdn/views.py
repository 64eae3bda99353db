from django.shortcuts import render

from accounts.models import Role
from accounts.roles import role_required
from connections.services import read


@role_required(Role.VIEWER)
def domain_list(request):
    domains, problem = read(request, lambda client: client.cdn.list())
    return render(request, "cdn/domain_list.html", {"domains": domains or [], "problem": problem})
