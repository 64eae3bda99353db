from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.models import Channel, ChannelKind, Rule, RuleKind
from alerts.senders import addresses
from cdn.validators import domain_to_ascii

MAX_ADDRESSES = 10
NEEDS_THRESHOLD = {RuleKind.BALANCE_DAYS, RuleKind.ERROR_SHARE, RuleKind.BANDWIDTH}
NEEDS_DOMAIN = {RuleKind.ERROR_SHARE}


class ChannelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ChannelKind.choices)
    # A plain text box: the URL is shown back only when the form is refused, to the member who typed it.
    url = forms.CharField(
        label=gettext_lazy("Webhook URL"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("For a robot or webhook: its full URL, token included. It is stored encrypted."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    addresses = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("For e-mail: up to 10 addresses, separated by commas."),
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ChannelKind.EMAIL:
            data["target"] = self._addresses(data.get("addresses", ""))
        elif kind:
            data["target"] = self._url(data.get("url", ""))
        return data

    def _url(self, url: str) -> str:
        url = url.strip()
        if not url:
            self.add_error("url", _("Enter the webhook's URL."))
            return ""
        try:
            split = urlsplit(url)
            valid = split.scheme in ("http", "https") and bool(split.hostname) and not any(c.isspace() for c in url)
        except ValueError:
            valid = False
        if not valid:
            self.add_error("url", _("Enter an http:// or https:// URL."))
        return url

    def _addresses(self, text: str) -> str:
        found = addresses(text)
        if not found:
            self.add_error("addresses", _("Enter at least one e-mail address."))
        elif len(found) > MAX_ADDRESSES:
            self.add_error("addresses", _("Enter at most %(count)d addresses.") % {"count": MAX_ADDRESSES})
        else:
            for address in found:
                try:
                    validate_email(address)
                except ValidationError:
                    self.add_error("addresses", _("%(address)s is not an e-mail address.") % {"address": address})
                    break
        return ", ".join(found)


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["name", "kind", "threshold", "window_minutes", "domain_name", "channels", "interval_minutes"]
        widgets = {"channels": forms.CheckboxSelectMultiple}
        help_texts = {
            "threshold": gettext_lazy("Days for the balance, percent for the 5xx share, Mbit/s for bandwidth."),
            "window_minutes": gettext_lazy("For the 5xx share and a domain's bandwidth: the last minutes read."),
            "domain_name": gettext_lazy("Optional (needed for the 5xx share): only this domain, like www.example.com."),
        }

    def __init__(self, *args, tenant_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.filter(tenant_id=tenant_id)

    def clean_domain_name(self):
        name = self.cleaned_data.get("domain_name", "").strip()
        return domain_to_ascii(name) if name else ""

    def clean(self):
        data = super().clean()
        kind, threshold = data.get("kind"), data.get("threshold")
        if kind in NEEDS_THRESHOLD and threshold is None:
            self.add_error("threshold", _("This condition needs a threshold."))
        elif threshold is not None and threshold < 0:
            self.add_error("threshold", _("Enter a threshold of 0 or more."))
        elif kind == RuleKind.ERROR_SHARE and threshold is not None and threshold > 100:
            self.add_error("threshold", _("A share is at most 100 percent."))
        if kind in NEEDS_DOMAIN and not data.get("domain_name") and "domain_name" not in self.errors:
            self.add_error("domain_name", _("The 5xx share is read from one domain's request log: enter the domain."))
        return data
