"""How a domain from the API is shown: its Unicode name, and whether it looks stuck."""

from datetime import UTC, datetime, timedelta

from django.conf import settings

from cdn.validators import domain_to_unicode

TRANSITIONAL = {"configuring"}
STATUSES = ["configuring", "online", "offline"]


def display(name: str) -> str:
    # Only an xn-- label can change, and decoding every name showed up in the list page's profile.
    return domain_to_unicode(name) if "xn--" in name else name


def transitional(domain: dict) -> bool:
    """Whether the domain is on its way to another state (an odd status from Plcloud is not)."""
    status = domain.get("status")
    return isinstance(status, str) and status in TRANSITIONAL


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


def decorate(domain: dict) -> dict:
    since = when(domain.get("updated_at"))  # sandbox only (docs/plcloud-api.md): often not known
    name = domain.get("domainName")
    stuck = (
        transitional(domain)
        and since is not None
        and datetime.now(UTC) - since > timedelta(minutes=settings.CDN_STUCK_MINUTES)
    )
    # The areas Plcloud says it does not serve (sandbox only): None when it does not say.
    unserved = domain.get("unserved_areas")
    unserved = [area for area in unserved if isinstance(area, str)] if isinstance(unserved, list) else None
    return {
        **domain,
        "display_name": display(name) if isinstance(name, str) else "",
        "stuck": stuck,
        "unserved": unserved,
    }
