from django import forms
from django.utils.translation import gettext_lazy as _

from cdn.validators import URL_LIST_MAX_BYTES, URL_LIST_MAX_LINES, list_size
from jobs.models import Kind, State
from jobs.plans import FLUSH_DIRS_PER_CALL, FLUSH_URLS_PER_CALL
from plcloud_panel.converters import plcloud_id

# Directories a flush takes: as many calls as its most URLs make (50 of FLUSH_URLS_PER_CALL), at
# FLUSH_DIRS_PER_CALL each; 100 bytes a line, as for URLs.
DIR_LIST_MAX_LINES = URL_LIST_MAX_LINES // FLUSH_URLS_PER_CALL * FLUSH_DIRS_PER_CALL
DIR_LIST_MAX_BYTES = DIR_LIST_MAX_LINES * 100


def _url_list(text: str) -> str:
    list_size(text, max_lines=URL_LIST_MAX_LINES, max_bytes=URL_LIST_MAX_BYTES)
    return text


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

    def clean_urls(self):
        return _url_list(self.cleaned_data["urls"])

    def clean_dirs(self):
        text = self.cleaned_data["dirs"]
        list_size(text, max_lines=DIR_LIST_MAX_LINES, max_bytes=DIR_LIST_MAX_BYTES)
        return text


class PrefetchForm(forms.Form):
    urls = forms.CharField(
        label=_("URLs"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One URL a line, on any of your domains."),
    )

    def clean_urls(self):
        return _url_list(self.cleaned_data["urls"])


class JobFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any"))] + Kind.choices)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any"))] + State.choices)
    domain = forms.TypedChoiceField(label=_("Domain"), required=False, empty_value=None)

    def __init__(self, *args, domains: list[tuple[str, str]], **kwargs) -> None:
        """``domains``: (Plcloud id, name) of the domains the tenant's jobs were on. A domain id
        from a link (a domain page) that no job has yet is offered too, so the filter still applies."""
        super().__init__(*args, **kwargs)
        choices = [("", _("Any")), *((domain_id, name or f"#{domain_id}") for domain_id, name in domains)]
        wanted = plcloud_id(self.data.get("domain"))
        if wanted is not None and wanted not in dict(domains):
            choices.append((wanted, f"#{wanted}"))
        self.fields["domain"].choices = choices
