import unicodedata
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cdn import validators
from cdn.log_filters import CACHE_STATES, STATUS_CLASSES, LogType
from cdn.objects import AREA_LABELS, TYPE_LABELS

MAX_LOG_WINDOW_DAYS = 31
MAX_TRAFFIC_DAYS = 31  # a flow call's longest window (docs/plcloud-api.md)

# The words of cdn.objects, the area's code after it (the ICP messages name mainland China by it).
AREAS = [(code, format_lazy("{} ({})", label, code)) for code, label in AREA_LABELS.items()]
TYPES = list(TYPE_LABELS.items())
ICP_HELP = _("Needed for mainland China: a domain without an ICP record is not served in mainland China.")
ICP_KEEP_HELP = _("Left blank, the domain keeps the record it has.")


class OriginAndAreasForm(forms.Form):
    # 2,000 characters: 10 addresses of at most 39 (a full IPv6 address) five times over, for
    # spaces and blank lines; at most MAX_LINE_MESSAGES wrong lines are named (cdn.validators).
    origin_ips = forms.CharField(
        label=_("Origin IPs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("One IPv4 or IPv6 address a line, at most 10."),
    )
    areas = forms.MultipleChoiceField(label=_("Service areas"), choices=AREAS, widget=forms.CheckboxSelectMultiple)
    icp_record = forms.CharField(label=_("ICP record"), required=False, max_length=64, help_text=ICP_HELP)
    # Shown only when mainland China is chosen without an ICP record (``clean``): the guide's own
    # create example does that, and Plcloud creates the domain, but does not serve it there.
    icp_later = forms.BooleanField(
        label=_("Save without an ICP record for now: mainland China (cn) is not served until the domain has one"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, areas_before: list | None = None, has_icp: bool = False, **kwargs):
        """``areas_before`` and ``has_icp``: the domain's, when editing one (nothing to confirm
        when cn was served before or a record is known to be set; a blank field keeps the record)."""
        super().__init__(*args, **kwargs)
        self.areas_before = areas_before or []
        self.has_icp = has_icp
        if areas_before is not None:  # editing: only a record typed here is sent
            self.fields["icp_record"].help_text = format_lazy("{} {}", ICP_HELP, ICP_KEEP_HELP)

    def clean_origin_ips(self):
        return validators.origin_ips(self.cleaned_data["origin_ips"])

    def clean_icp_record(self):
        return validators.icp_record(self.cleaned_data["icp_record"])

    def clean(self):
        cleaned = super().clean()
        adds_cn = "cn" in (cleaned.get("areas") or []) and "cn" not in self.areas_before
        if adds_cn and not cleaned.get("icp_record") and not self.has_icp and "icp_record" not in self.errors:
            self.fields["icp_later"].widget = forms.CheckboxInput()
            if not cleaned.get("icp_later"):
                self.add_error(
                    "icp_record",
                    _(
                        "Mainland China (cn) is served only with an ICP record: enter it, or tick the box "
                        "below to save without one for now."
                    ),
                )
        return cleaned

    def domain_fields(self) -> dict:
        """What goes to Plcloud: the cleaned fields, without the confirmation."""
        return {name: value for name, value in self.cleaned_data.items() if name != "icp_later"}


class DomainForm(OriginAndAreasForm):
    field_order = ["domain", "origin_ips", "areas", "type", "icp_record"]
    domain = forms.CharField(
        label=_("Domain name"), max_length=253, help_text=_("Internationalised names are allowed, e.g. 例子.中国.")
    )
    type = forms.ChoiceField(label=_("Type"), choices=TYPES, initial="web")

    def clean_domain(self):
        return validators.domain_to_ascii(self.cleaned_data["domain"])


class DeleteDomainForm(forms.Form):
    confirm = forms.CharField(label=_("Type the domain name to confirm"), max_length=253)

    def __init__(self, *args, domain_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_name = domain_name

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"].strip().lower()
        if typed not in {self.domain_name, validators.domain_to_unicode(self.domain_name)}:
            raise forms.ValidationError(_("Type the domain name exactly as shown to delete it."))
        return typed


class RechargeForm(forms.Form):
    flow = forms.IntegerField(label=_("Traffic to add (GB)"), min_value=1, max_value=100_000)
    confirm = forms.BooleanField(label=_("I confirm this recharge"), required=True)


class BatchForm(forms.Form):
    """The list's choice: an action and the ticked domains (ids the member's list holds)."""

    action = forms.ChoiceField(
        label=_("With the selected domains"),
        choices=[("enable", _("Enable")), ("disable", _("Disable")), ("delete", _("Delete"))],
        error_messages={"required": _("Choose an action."), "invalid_choice": _("Choose an action.")},
    )
    ids = forms.MultipleChoiceField(
        label=_("Domains"),
        choices=[],
        error_messages={
            "required": _("Select at least one domain."),
            "invalid_choice": _("A selected domain is no longer in your list: select again."),
        },
    )

    def __init__(self, *args, domain_ids: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(i, i) for i in domain_ids]

    def clean_ids(self):
        return list(dict.fromkeys(self.cleaned_data["ids"]))  # a domain ticked twice is one domain


class BatchConfirmForm(BatchForm):
    """The confirmation page's form: deleting several domains takes their number, typed."""

    typed = forms.CharField(label=_("Type the number of domains to delete"), required=False, max_length=20)

    def clean(self):
        cleaned = super().clean()
        ids = cleaned.get("ids") or []
        if cleaned.get("action") == "delete" and len(ids) > 1:
            # NFKC: a full-width "３" typed with a Chinese input method is the number 3.
            typed = unicodedata.normalize("NFKC", cleaned.get("typed") or "").strip()
            if typed != str(len(ids)):
                message = _("Type %(count)s, the number of domains that will be deleted.") % {"count": len(ids)}
                self.add_error("typed", message)
        return cleaned


class BudgetAlertForm(forms.Form):
    warn_days = forms.IntegerField(label=_("Warn me when fewer days are left than"), min_value=1, max_value=365)


class CommonUrlsForm(forms.Form):
    # No max_length: the browser would cut a longer paste without a word; validators.list_size says so.
    urls = forms.CharField(label=_("URLs, one a line"), widget=forms.Textarea(attrs={"rows": 8}))

    def clean_urls(self):
        text = self.cleaned_data["urls"]
        validators.list_size(text, max_lines=validators.URL_LIST_MAX_LINES, max_bytes=validators.URL_LIST_MAX_BYTES)
        valid, errors = validators.url_lines(text)
        if errors:
            # The box keeps what was typed: only the first wrong lines are quoted in the messages.
            raise forms.ValidationError(validators.first_messages(errors))
        if not valid:
            raise forms.ValidationError(_("Enter at least one URL."))
        return valid


class LogWindowForm(forms.Form):
    """A window of a domain's request log and the panel's filters (also what an export takes)."""

    log_type = forms.ChoiceField(label=_("Log"), choices=LogType.choices, initial=LogType.CACHE)
    start_at = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end_at = forms.DateTimeField(label=_("To"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    status_class = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + [(s, s) for s in STATUS_CLASSES]
    )
    cache_state = forms.ChoiceField(
        label=_("Cache"), required=False, choices=[("", _("Any"))] + [(s, s) for s in CACHE_STATES]
    )
    # Not stripped by the field: Python counts some control characters as space, and those must be
    # refused, not quietly cut off.
    url_contains = forms.CharField(label=_("URL contains"), required=False, max_length=200, strip=False)

    def clean_url_contains(self):
        text = self.cleaned_data["url_contains"]
        if any(not c.isprintable() and c != " " for c in text):
            raise forms.ValidationError(_("Enter text without control characters."))
        return text.strip(" ")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_at"), cleaned.get("end_at")
        if start and end:
            if start >= end:
                self.add_error("end_at", _("The end must be after the start."))
            elif end - start > timedelta(days=MAX_LOG_WINDOW_DAYS):
                self.add_error("end_at", _("A window is at most %(days)s days long.") % {"days": MAX_LOG_WINDOW_DAYS})
        return cleaned

    def window(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class TrafficDaysForm(forms.Form):
    """Days of a domain's traffic, in the member's time zone (cdn.traffic.day_range)."""

    first = forms.DateField(label=_("From day"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("To day"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        today = timezone.localdate()
        if first and first > today:
            self.add_error("first", _("Choose a day that has begun."))
        elif first and last:
            if last < first:
                self.add_error("last", _("The last day must not be before the first."))
            elif (last - first).days + 1 > MAX_TRAFFIC_DAYS:
                self.add_error("last", _("At most %(days)s days at once.") % {"days": MAX_TRAFFIC_DAYS})
        return cleaned
