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
    domain = forms.IntegerField(label=_("Domain ID"), required=False, min_value=0)
