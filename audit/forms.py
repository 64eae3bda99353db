from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Outcome

# What the audit page filters by: a kind of change, the first part of its action codes (each
# row reads as a sentence, audit.describe).
KINDS = [
    ("", _("Any")),
    ("cdn", _("Domains, traffic and common URLs")),
    ("jobs", _("Jobs")),
    ("ticket", _("Tickets")),
    ("member", _("Team members")),
    ("connection", _("Plcloud connection")),
]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("What"), required=False, choices=KINDS)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any")), *Outcome.choices])
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    obj = forms.CharField(label=_("Object"), required=False, max_length=255)

    def clean_action(self) -> str:
        kind = self.cleaned_data["action"]
        return f"{kind}." if kind else ""
