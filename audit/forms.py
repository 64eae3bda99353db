from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Outcome


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("What"), required=False, max_length=64)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any")), *Outcome.choices])
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    obj = forms.CharField(label=_("Object"), required=False, max_length=255)
