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


def decorate(domain: dict) -> dict:
    try:
        since = datetime.fromisoformat(domain.get("updated_at") or "")
    except (TypeError, ValueError):  # missing, not a time, or not even text: not known
        since = None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    name = domain.get("domainName")
    stuck = (
        transitional(domain)
        and since is not None
        and datetime.now(UTC) - since > timedelta(minutes=settings.CDN_STUCK_MINUTES)
    )
    return {**domain, "display_name": display(name) if isinstance(name, str) else "", "stuck": stuck}
