from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tickets.models import Status

MAX_SUMMARY = 200
MAX_TEXT = 10_000


class TicketForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), max_length=MAX_SUMMARY, help_text=_("One line, up to 200 characters.")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Up to 10,000 characters. Markdown is allowed."),
    )


class ReplyForm(forms.Form):
    content = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Up to 10,000 characters. Markdown is allowed."),
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices])
    q = forms.CharField(label=_("Search in summary"), required=False, max_length=MAX_SUMMARY)
    user_id = forms.CharField(
        label=_("Plcloud user id"),
        required=False,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Letters, digits, - and _ only."))],
        help_text=_("Admins: show another Plcloud user's tickets. Empty: your own."),
    )

    def __init__(self, *args, admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not admin:
            del self.fields["user_id"]
