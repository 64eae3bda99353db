from django import forms
from django.utils.translation import gettext_lazy as _

from connections.services import allowed_auth_urls


class ConnectForm(forms.Form):
    auth_url = forms.ChoiceField(label=_("Identity endpoint"))
    username = forms.CharField(label=_("Plcloud username"), max_length=255)
    password = forms.CharField(
        label=_("Plcloud password"), max_length=1024, widget=forms.PasswordInput(render_value=False)
    )
    tenant_name = forms.CharField(
        label=_("Tenant"), max_length=255, help_text=_("Usually the same as your Plcloud username.")
    )
    keep = forms.BooleanField(
        label=_("Keep me connected"),
        required=False,
        help_text=_(
            "Stores your Plcloud password, encrypted, so the panel can sign in again when the token "
            "expires. Without it you reconnect when the token expires."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        urls = allowed_auth_urls()
        self.fields["auth_url"].choices = [(url, url) for url in urls]
        self.fields["auth_url"].initial = urls[0]


class RegionForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(name, name) for name in regions]
