from django.shortcuts import render

from accounts.models import Role
from accounts.roles import role_required
from connections.services import read


@role_required(Role.VIEWER)
def ticket_list(request):
    tickets, problem = read(request, lambda client: client.ticket.list())
    return render(request, "tickets/ticket_list.html", {"tickets": tickets or [], "problem": problem})
