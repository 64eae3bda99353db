"""Sending one message to one channel: plain requests for the webhooks (their payloads are one
small JSON document each), Django's mail backend for e-mail.

No library: Apprise would do the same three POSTs and the mail, but adds a dependency with dozens
of services we do not offer, and it logs the URLs it posts to (robot tokens are in them).

Each send has a short bound (TIMEOUT seconds to connect, and as many to read), follows no
redirect, and never raises: it answers "" when the channel took the message, or a sentence saying
why not, in which the target (URL, token, addresses) never appears.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.utils.translation import gettext as _

from alerts.models import ChannelKind

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds: a dead channel costs each check at most this to connect, and this to read
ERROR_CHARS = 300


def payload(kind: str, text: str) -> dict:
    if kind in (ChannelKind.DINGTALK, ChannelKind.WECOM):
        return {"msgtype": "text", "text": {"content": text}}
    return {"text": text}


def send(kind: str, target: str, *, subject: str, text: str) -> str:
    """Deliver; "" when taken, else why not (no secret in it)."""
    try:
        error = _mail(target, subject, text) if kind == ChannelKind.EMAIL else _post(kind, target, text)
    except Exception as exc:  # a surprise in one channel must never stop the others
        log.warning("alert channel send failed unexpectedly: %s", type(exc).__name__)
        error = _("Unexpected error (%(kind)s).") % {"kind": type(exc).__name__}
    return scrub(error, target)


def scrub(text: str, target: str) -> str:
    """The text without the target or any part of it that could carry the token."""
    if not text:
        return ""
    parts = [target, *_secret_parts(target)]
    for part in sorted((p for p in parts if len(p) >= 6), key=len, reverse=True):
        text = text.replace(part, "…")
    return text[:ERROR_CHARS]


def _secret_parts(target: str) -> list[str]:
    try:
        split = urlsplit(target)
    except ValueError:
        return []
    values = [pair.partition("=")[2] for pair in split.query.split("&")]
    # Tokens are long: a short path segment ("robot", "send") is left as it is.
    return [split.path, split.query, *values, *(part for part in split.path.split("/") if len(part) >= 16)]


def _post(kind: str, url: str, text: str) -> str:
    try:
        answer = requests.post(url, json=payload(kind, text), timeout=(TIMEOUT, TIMEOUT), allow_redirects=False)
    except requests.Timeout:
        return _("No answer within %(seconds)d seconds.") % {"seconds": TIMEOUT}
    except requests.ConnectionError:
        return _("Could not connect to the webhook's server.")
    except requests.RequestException as exc:
        return _("The request could not be sent (%(kind)s).") % {"kind": type(exc).__name__}
    with answer:
        if not 200 <= answer.status_code < 300:
            return _("The webhook answered HTTP %(status)d.") % {"status": answer.status_code}
        if kind in (ChannelKind.DINGTALK, ChannelKind.WECOM):
            return _robot_error(answer)
    return ""


def _robot_error(answer: requests.Response) -> str:
    """DingTalk and WeCom answer 200 with {"errcode": 0} when they took it, another code when not."""
    try:
        document = answer.json()
    except ValueError:
        return ""  # an answer we cannot read, after a 2xx: taken as delivered
    code = document.get("errcode", 0) if isinstance(document, dict) else 0
    if code in (0, "0", None):
        return ""
    message = str(document.get("errmsg", ""))[:200]
    return _("The robot refused the message: %(code)s %(message)s") % {"code": code, "message": message}


def addresses(target: str) -> list[str]:
    return [part.strip() for part in target.replace(";", ",").split(",") if part.strip()]


def _mail(target: str, subject: str, text: str) -> str:
    backend = settings.EMAIL_BACKEND
    if backend.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST:
        return _("This panel has no mail server (EMAIL_HOST is not set).")
    try:
        connection = get_connection(timeout=TIMEOUT) if backend.endswith("smtp.EmailBackend") else get_connection()
        send_mail(subject, text, None, addresses(target), connection=connection)
    except Exception as exc:  # smtplib and socket raise many kinds
        return _("The mail server did not take the message (%(kind)s).") % {"kind": type(exc).__name__}
    return ""


def hint(kind: str, target: str) -> str:
    """What a page shows of a channel: a webhook's host and the last 4 characters; e-mail
    addresses with their local part cut to its first letter."""
    if kind == ChannelKind.EMAIL:
        shown = []
        for address in addresses(target):
            local, _at, domain = address.rpartition("@")
            shown.append(f"{local[:1]}…@{domain}")
        return ", ".join(shown)[:200]
    host = urlsplit(target).hostname or ""
    return f"{host} …{target[-4:]}"
