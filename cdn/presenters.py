"""How a domain from the API is shown: its Unicode name, and whether it looks stuck."""

from datetime import UTC, datetime, timedelta

from django.conf import settings

from cdn.validators import domain_to_unicode

TRANSITIONAL = {"configuring"}
STATUSES = ["configuring", "online", "offline"]


def display(name: str) -> str:
    # Only an xn-- label can change, and decoding every name showed up in the list page's profile.
    return domain_to_unicode(name) if "xn--" in name else name


def decorate(domain: dict) -> dict:
    try:
        since = datetime.fromisoformat(domain.get("updated_at") or "")
    except ValueError:
        since = None
    stuck = (
        domain.get("status") in TRANSITIONAL
        and since is not None
        and datetime.now(UTC) - since > timedelta(minutes=settings.CDN_STUCK_MINUTES)
    )
    return {**domain, "display_name": display(domain.get("domainName") or ""), "stuck": stuck}
