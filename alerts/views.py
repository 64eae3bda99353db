from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import role_required
from alerts import selectors, services
from alerts.forms import ChannelForm, RuleForm
from connections.tenancy import request_tenant


def _tenant_or_redirect(request):
    tenant = request_tenant(request)
    if not tenant:
        messages.error(request, _("Connect your Plcloud account first: alerts belong to a Plcloud account."))
    return tenant


@role_required(Role.VIEWER)
def alert_list(request):
    tenant = request_tenant(request)
    context = {"connected": bool(tenant)}
    if tenant:
        context |= {
            "channels": selectors.channels(tenant=tenant),
            "rules": selectors.rules(tenant=tenant),
            "incidents": selectors.incidents(tenant=tenant),
            "deliveries": selectors.deliveries(tenant=tenant),
        }
    return render(request, "alerts/list.html", context)


@role_required(Role.OPERATOR)
def channel_new(request):
    tenant = _tenant_or_redirect(request)
    if not tenant:
        return redirect("alerts:list")
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        channel = services.create_channel(
            user=request.user, tenant=tenant, name=data["name"], kind=data["kind"], target=data["target"]
        )
        messages.success(request, _("Channel %(name)s added.") % {"name": channel.name})
        return redirect("alerts:list")
    return render(request, "alerts/channel_form.html", {"form": form})


@role_required(Role.OPERATOR)
def rule_new(request):
    tenant = _tenant_or_redirect(request)
    if not tenant:
        return redirect("alerts:list")
    form = RuleForm(request.POST or None, tenant_id=tenant.tenant_id)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "channels"}
        rule = services.create_rule(
            user=request.user, tenant=tenant, fields=fields, channels=form.cleaned_data["channels"]
        )
        messages.success(request, _("Rule %(name)s added.") % {"name": rule.name})
        return redirect("alerts:list")
    return render(request, "alerts/rule_form.html", {"form": form})


def _channel(request, pk: int):
    channel = selectors.channel_of(tenant=request_tenant(request), pk=pk)
    if channel is None:
        raise Http404
    return channel


@require_POST
@role_required(Role.OPERATOR)
def channel_test(request, pk: int):
    channel = _channel(request, pk)
    delivery = services.send_test(user=request.user, channel=channel)
    if delivery.ok:
        messages.success(request, _("Test message sent to %(name)s.") % {"name": channel.name})
    else:
        text = _("The test message to %(name)s failed: %(error)s") % {"name": channel.name, "error": delivery.error}
        messages.error(request, text)
    return redirect(reverse("alerts:list") + f"#channel-{channel.pk}")


@require_POST
@role_required(Role.OPERATOR)
def channel_delete(request, pk: int):
    channel = _channel(request, pk)
    services.delete_channel(user=request.user, channel=channel)
    messages.success(request, _("Channel %(name)s deleted.") % {"name": channel.name})
    return redirect("alerts:list")


def _rule(request, pk: int):
    rule = selectors.rule_of(tenant=request_tenant(request), pk=pk)
    if rule is None:
        raise Http404
    return rule


@require_POST
@role_required(Role.OPERATOR)
def rule_pause(request, pk: int, paused: bool):
    """Pause a rule, or resume it (``paused`` comes from the URL: alerts/urls.py)."""
    rule = _rule(request, pk)
    services.set_paused(user=request.user, rule=rule, paused=paused)
    if paused:
        text = _("Rule %(name)s paused: it is not checked until you resume it.")
    else:
        text = _("Rule %(name)s resumed: the next alert check includes it.")
    messages.success(request, text % {"name": rule.name})
    return redirect(reverse("alerts:list") + f"#rule-{rule.pk}")


@require_POST
@role_required(Role.OPERATOR)
def rule_delete(request, pk: int):
    rule = _rule(request, pk)
    services.delete_rule(user=request.user, rule=rule)
    messages.success(request, _("Rule %(name)s deleted.") % {"name": rule.name})
    return redirect("alerts:list")
