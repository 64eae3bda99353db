"""The answer to an error no view handled (``handler500``): a page in the panel's layout.

Django sends an exception raised anywhere in the middleware or a view here. The database being
out of reach (refused, dropped, closed) is not a bug in the panel: it answers 503, says so, and
gives back the text of a form the member sent, which was not saved. Any other error is a 500.

Both pages are rendered from a plain context, without the request's context processors: those
read the member, their connection and their notifications from the database.
"""

from __future__ import annotations

import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

try:
    import psycopg
except ImportError:  # SQLite only
    DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
else:
    DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)

# What of a form is given back: the panel's largest form at its caps is a flush, 500,000 bytes of
# URLs and 100,000 of directories (jobs.forms), so no valid form loses a character; past that the
# page still stays well under the 2 MiB a request may carry.
KEEP_CHARACTERS = 600_000
KEEP_FIELDS = 100
# Never given back: the CSRF token, and anything named like a password (sign-in, the Plcloud
# connection, a new member, a password change).
HIDDEN = ("csrfmiddlewaretoken", "password")
# A client (or a proxy) may try again after this many seconds.
RETRY_AFTER_SECONDS = 10


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    with translation.override(translation.get_language_from_request(request)):
        if database_unreachable(error):
            response = _unreachable(request, error)
        else:
            response = HttpResponse(loader.render_to_string("500.html", {}), status=500)
    # It may hold what the member typed; and it is no page to keep.
    add_never_cache_headers(response)
    return response


def _unreachable(request: HttpRequest, error: BaseException) -> HttpResponse:
    fields, cut = kept_fields(request)
    # The member was read (AuthenticationMiddleware keeps them once read) before the failure: the
    # database went away during the view, which may have sent the change to Plcloud before it
    # failed to record it. Nobody else can have sent anything.
    maybe_sent = getattr(getattr(request, "_cached_user", None), "is_authenticated", False)
    if not maybe_sent:
        # The member could not be read: the middleware on the way out (no-store for members) would
        # try again, fail again and come here a second time.
        request.user = AnonymousUser()
    context = {"fields": fields, "cut": cut, "limit": KEEP_CHARACTERS, "maybe_sent": maybe_sent}
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # One line, not Django's traceback a request: an outage is no bug, and its trace says nothing
    # the type does not. The type only: a message could name the server.
    logger.warning("database unreachable (%s): %s %s answered 503", type(error).__name__, request.method, request.path)
    response._has_been_logged = True
    return response


def database_unreachable(error: BaseException | None) -> bool:
    """A database error (or one raised while handling it) after which the connection is gone:
    not a bad query, which leaves the connection answering."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, DATABASE_ERRORS):
            try:
                return connection.connection is None or not connection.is_usable()
            except Exception:  # this answer must not fail: a connection that cannot even say is gone
                return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def kept_fields(request: HttpRequest) -> tuple[list[tuple[str, str]], bool]:
    """The form's text fields as sent, at most KEEP_CHARACTERS in all; and whether any was cut."""
    if request.method != "POST":
        return [], False
    try:
        sent = list(request.POST.lists())
    except Exception:  # a body that could not be read (too large, malformed): nothing to give back
        return [], False
    fields, left, cut = [], KEEP_CHARACTERS, False
    for name, values in sent:
        text = "\n".join(value for value in values if value)
        if not text or any(hidden in name.lower() for hidden in HIDDEN):
            continue
        if len(fields) == KEEP_FIELDS or left <= 0:
            cut = True
            break
        cut = cut or len(text) > left
        fields.append((name[:100], text[:left]))
        left -= len(text)
    return fields, cut
