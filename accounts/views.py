from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import AddMemberForm, RoleForm, TimeZoneForm
from accounts.models import Role
from accounts.roles import role_of, role_required


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, which also ends the member's duty to change an initial password;
    the page says why they are there while they have that duty."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "must_change": services.must_change_password(self.request.user)}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=self.request.user)
        return response


password_change = PasswordChange.as_view()


def _get_member(pk: int):
    return get_object_or_404(get_user_model(), pk=pk)


@role_required(Role.ADMIN)
def team(request):
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_member(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Member %(name)s added.") % {"name": form.cleaned_data["username"]})
        return redirect("team")
    members = get_user_model().objects.select_related("membership", "plcloud").order_by("username")
    # (member, role, Plcloud connection or None): the tenant each member works in now.
    rows = [
        (member, role_of(member) if member.is_active else None, getattr(member, "plcloud", None)) for member in members
    ]
    return render(request, "accounts/team.html", {"form": form, "rows": rows, "roles": Role.choices})


@role_required(Role.ADMIN)
@require_POST
def set_role(request, pk: int):
    member = _get_member(pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
    else:
        try:
            services.set_role(actor=request.user, user=member, role=form.cleaned_data["role"])
            messages.success(request, _("Role of %(name)s changed.") % {"name": member.username})
        except services.TeamRuleBroken as error:
            messages.error(request, str(error))
    return redirect("team")


@role_required(Role.ADMIN)
@require_POST
def set_active(request, pk: int):
    member = _get_member(pk)
    if request.POST.get("active") not in {"0", "1"}:
        # Only the Team page's own button sends this; anything else is not taken as "deactivate".
        messages.error(request, _("Use the Deactivate or Reactivate button."))
        return redirect("team")
    active = request.POST["active"] == "1"
    try:
        cancelled = services.set_active(actor=request.user, user=member, active=active)
    except services.TeamRuleBroken as error:
        messages.error(request, str(error))
        return redirect("team")
    name = {"name": member.username, "count": cancelled}
    if active:
        # Deactivation deleted their Plcloud connection: nothing runs for them until they connect.
        messages.success(
            request, _("%(name)s reactivated. They must connect to Plcloud again before they can use it.") % name
        )
    else:
        text = ngettext(
            "%(name)s deactivated: signed out, %(count)s job cancelled, Plcloud connection deleted.",
            "%(name)s deactivated: signed out, %(count)s jobs cancelled, Plcloud connection deleted.",
            cancelled,
        )
        messages.success(request, text % name)
    return redirect("team")


@role_required(Role.VIEWER)
def member_settings(request):
    """The member's own settings: their time zone (their password has its own page)."""
    chosen = getattr(getattr(request.user, "membership", None), "time_zone", "")
    form = TimeZoneForm(request.POST or None, initial={"time_zone": chosen})
    if request.method == "POST" and form.is_valid():
        services.set_time_zone(user=request.user, time_zone=form.cleaned_data["time_zone"])
        messages.success(request, _("Settings saved."))
        return redirect("member-settings")
    return render(request, "accounts/settings.html", {"form": form, "now": timezone.now()})
