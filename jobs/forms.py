from django import forms
from django.utils.translation import gettext_lazy as _

from jobs.models import Kind, State


class FlushForm(forms.Form):
    urls = forms.CharField(
        label=_("URLs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One URL a line, on this domain."),
    )
    dirs = forms.CharField(
        label=_("Directories"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One directory a line, ending with /."),
    )


class PrefetchForm(forms.Form):
    urls = forms.CharField(
        label=_("URLs"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One URL a line, on any of your domains."),
    )


class JobFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any"))] + Kind.choices)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any"))] + State.choices)
    domain = forms.TypedChoiceField(label=_("Domain"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, domains: list[tuple[int, str]], **kwargs) -> None:
        """``domains``: (id, name) of the domains the member's jobs were on. A domain id from a
        link (a domain page) that no job has yet is offered too, so the filter still applies."""
        super().__init__(*args, **kwargs)
        choices = [("", _("Any")), *((domain_id, name or f"#{domain_id}") for domain_id, name in domains)]
        wanted = str(self.data.get("domain", ""))
        if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18 and int(wanted) not in dict(domains):
            choices.append((int(wanted), f"#{wanted}"))
        self.fields["domain"].choices = choices
