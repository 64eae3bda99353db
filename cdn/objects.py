"""The CDN objects pages and tasks work with, each built in one place from what Plcloud sent.

``from_wire`` takes whatever came (WIRE.md promises little beyond the SDK's shapes): a missing or
odd field reads as not known (None, "" or an empty tuple), never as a KeyError or a 500, and
extra fields are ignored. The sandbox-only domain fields (docs/plcloud-api.md, "Wire profiles":
``enabled``, ``icp_record``, ``unserved_areas``, ``created_at``, ``updated_at``) are None when a
domain does not carry them, and pages say "not known".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Self

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cdn.validators import domain_to_unicode
from plcloud_panel.converters import PlcloudIdConverter, plcloud_id

TRANSITIONAL = frozenset({"configuring"})
# The words pages show for Plcloud's codes (docs/plcloud-api.md, the domain object). A code not
# listed here (WIRE.md names few values) is shown as it came, never an error.
STATUS_LABELS = {"configuring": _("Configuring"), "online": _("Online"), "offline": _("Offline")}
AREA_LABELS = {"cn": _("Mainland China"), "hk": _("Hong Kong"), "ov": _("Overseas")}
TYPE_LABELS = {"web": _("Web"), "download": _("Download"), "media": _("Media")}
STATUSES = list(STATUS_LABELS)
_URL_ID = PlcloudIdConverter()
_MISSING = object()  # a field the answer does not carry, told apart from its null


def display(name: str) -> str:
    """A domain name as people read it: its Unicode form. Only an xn-- label can change, and
    decoding every name showed in the list page's profile."""
    return domain_to_unicode(name) if "xn--" in name else name


def status_label(code: str) -> str:
    return STATUS_LABELS.get(code, code)


def area_label(code: str) -> str:
    return AREA_LABELS.get(code, code)


def type_label(code: str) -> str:
    return TYPE_LABELS.get(code, code)


def when(value: object) -> datetime | None:
    """A time from Plcloud as an aware datetime (UTC when it names no offset); None when it is
    missing, not a time, or not even text: not known."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def count(value: object) -> int:
    """A count (bytes, requests, bits per second) from Plcloud; anything that is not a finite
    number counts as none, so one odd point cannot stop a sum or a page."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    return max(0, int(value))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: object) -> tuple[str, ...]:
    """A list field as text items (an origin port given as a number is still shown); anything
    but a list reads as empty."""
    return tuple(item if isinstance(item, str) else str(item) for item in value) if isinstance(value, list) else ()


@dataclass(frozen=True, slots=True)
class Domain:
    ref: str | None  # the id the panel routes by (plcloud_panel.converters); None: not routable
    wire_id: object  # the id exactly as Plcloud gave it, sent back on the wire (a number stays one)
    name: str  # domainName, ASCII ("" when missing)
    cname: str
    status: str
    service_type: str
    areas: tuple[str, ...]
    origin_ips: tuple[str, ...]
    # Sandbox only: None when the domain does not say.
    enabled: bool | None
    icp_record: str | None  # "" when it has none
    unserved_areas: tuple[str, ...] | None
    created_at: str | None  # as Plcloud wrote it (pages show it so; sorting compares the text)
    updated_at: str | None

    @classmethod
    def from_wire(cls, data: dict) -> Self:
        wire_id = data.get("domainId")
        icp = data.get("icp_record", _MISSING)
        unserved = data.get("unserved_areas")
        return cls(
            ref=plcloud_id(wire_id),
            wire_id=wire_id,
            name=_text(data.get("domainName")) or "",
            cname=_text(data.get("cname")) or "",
            status=_text(data.get("status")) or "",
            service_type=_text(data.get("serviceType")) or "",
            areas=_texts(data.get("areas")),
            origin_ips=_texts(data.get("origin_ips")),
            enabled=data.get("enabled") if isinstance(data.get("enabled"), bool) else None,
            icp_record=None if icp is _MISSING else (_text(icp) or ""),
            unserved_areas=tuple(a for a in unserved if isinstance(a, str)) if isinstance(unserved, list) else None,
            created_at=_text(data.get("created_at")),
            updated_at=_text(data.get("updated_at")),
        )

    @classmethod
    def from_wire_list(cls, items: list) -> list[Self]:
        """A list answer's domains; an item that is not an object is skipped."""
        return [cls.from_wire(item) for item in items if isinstance(item, dict)]

    @property
    def display_name(self) -> str:
        return display(self.name)

    @property
    def url_ref(self) -> str:
        """``ref`` as it goes into a URL path and the row's element id; "" without one."""
        return _URL_ID.to_url(self.ref) if self.ref is not None else ""

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def type_label(self) -> str:
        return type_label(self.service_type)

    @property
    def area_labels(self) -> list[str]:
        return [area_label(area) for area in self.areas]

    @property
    def unserved_area_labels(self) -> list[str]:
        return [area_label(area) for area in self.unserved_areas or ()]

    @property
    def transitional(self) -> bool:
        """On its way to another state (an odd status from Plcloud is not)."""
        return self.status in TRANSITIONAL

    @property
    def stuck(self) -> bool:
        """Configuring for longer than CDN_STUCK_MINUTES; not known without ``updated_at``."""
        since = when(self.updated_at)
        limit = timedelta(minutes=settings.CDN_STUCK_MINUTES)
        return self.transitional and since is not None and datetime.now(UTC) - since > limit

    @property
    def not_served_in_cn(self) -> bool:
        """Plcloud says it does not serve mainland China (cn without an ICP record)."""
        return "cn" in (self.unserved_areas or ())

    def edit_initial(self) -> dict:
        """The edit form's fields as the domain has them (an ICP record not known is left blank)."""
        return {
            "origin_ips": "\n".join(self.origin_ips),
            "areas": list(self.areas),
            "icp_record": self.icp_record or "",
        }


@dataclass(frozen=True, slots=True)
class FlowPoint:
    """One interval of a domain's traffic (docs/plcloud-api.md, ``GET /cdn/flow/{id}``)."""

    time: str | None  # the interval's start, as Plcloud wrote it
    flow: int  # bytes served in it
    bandwidth: int  # its average, in bits per second
    requests: int
    areas: tuple[tuple[str, int], ...]  # ``flow`` split by area

    @classmethod
    def from_wire(cls, data: dict) -> Self:
        areas = data.get("areas")
        return cls(
            time=_text(data.get("time")),
            flow=count(data.get("flow")),
            bandwidth=count(data.get("bandwidth")),
            requests=count(data.get("requests")),
            areas=tuple((str(area), count(flow)) for area, flow in areas.items()) if isinstance(areas, dict) else (),
        )

    @classmethod
    def from_wire_list(cls, items: list) -> list[Self]:
        return [cls.from_wire(item) for item in items if isinstance(item, dict)]

    @property
    def at(self) -> datetime | None:
        return when(self.time)


@dataclass(frozen=True, slots=True)
class CommonUrl:
    ref: str | None  # the id as the page's checkboxes send it back
    wire_id: object  # as Plcloud gave it, for the delete call
    url: str
    created_at: str | None

    @classmethod
    def from_wire(cls, data: dict) -> Self:
        wire_id = data.get("id")
        return cls(
            ref=plcloud_id(wire_id),
            wire_id=wire_id,
            url=_text(data.get("url")) or "",
            created_at=_text(data.get("created_at")),
        )

    @classmethod
    def from_wire_list(cls, items: list) -> list[Self]:
        return [cls.from_wire(item) for item in items if isinstance(item, dict)]
