"""Plcloud's ids in the panel's URLs.

The panel routes whatever id Plcloud gives (WIRE.md promises only examples: domain ids are
numbers, ticket ids look like ``tk-8b47870c``). An id of plain URL characters goes into the
path as it is, so URLs stay readable; any other id (a slash, a space, Chinese, "..") goes as
``~`` and its UTF-8 in unpadded base64url, so it can neither break the route nor reach another
path.
"""

from __future__ import annotations

import base64
import binascii
import re

# Not starting with "." (no "." or ".." segment) nor "~" (the mark of an encoded id).
_PLAIN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
MAX_ID_LENGTH = 255


def plcloud_id(value: object) -> str | None:
    """The text of an id as Plcloud gave it (a JSON number or string), or None when there is
    none the panel can use: missing, empty, a JSON true/false, an object, or too long."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    return text if 0 < len(text) <= MAX_ID_LENGTH else None


class PlcloudIdConverter:
    regex = r"[A-Za-z0-9_-][A-Za-z0-9._-]*|~[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        if not value.startswith("~"):
            return value
        try:
            text = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise ValueError("not an encoded id") from None  # Django answers 404
        if plcloud_id(text) is None:
            raise ValueError("not an id")
        return text

    def to_url(self, value: object) -> str:
        text = plcloud_id(value)
        if text is None:
            raise ValueError("no usable id")  # reverse() then fails: templates check the id first
        if _PLAIN.fullmatch(text):
            return text
        return "~" + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
