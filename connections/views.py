from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import role_required
from connections import services
from connections.forms import ConnectForm, RegionForm
from connections.models import PlcloudConnection
from connections.problems import explain
from plcloud import PlcloudError


@role_required(Role.VIEWER)
def connect(request):
    """Sign in to Plcloud as this member; on failure the form keeps what was typed (but the password)."""
    form = ConnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.connect(user=request.user, **form.cleaned_data)
        except PlcloudError as error:
            form.add_error(None, explain(error).message)
        else:
            messages.success(request, _("Connected to Plcloud. Pick the region to work in."))
            return redirect("connection")
    connection = PlcloudConnection.objects.filter(user=request.user).first()
    region_form = (
        RegionForm(initial={"region": connection.region}, regions=list(connection.endpoints)) if connection else None
    )
    return render(
        request, "connections/connect.html", {"form": form, "connection": connection, "region_form": region_form}
    )


@role_required(Role.VIEWER)
@require_POST
def switch_region(request):
    connection = PlcloudConnection.objects.filter(user=request.user).first()
    if connection is None:
        return redirect("connection")
    form = RegionForm(request.POST, regions=list(connection.endpoints))
    if form.is_valid():
        services.switch_region(user=request.user, region=form.cleaned_data["region"])
        messages.success(request, _("Now working in %(region)s.") % {"region": form.cleaned_data["region"]})
    else:
        messages.error(request, _("Choose a region from the list."))
    return redirect("connection")


@login_required
@require_POST
def disconnect(request):
    services.disconnect(user=request.user)
    messages.success(request, _("Disconnected. The panel no longer holds any Plcloud secret of yours."))
    return redirect("connection")
