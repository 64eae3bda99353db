"""The Simplified Chinese catalog is complete and compiled: every message translated, none fuzzy."""

import gettext
import re
from pathlib import Path

import pytest

# One process for the module (pytest-xdist's loadgroup): makemessages rewrites the catalog for a
# moment, which another process reading it then must not see.
pytestmark = pytest.mark.xdist_group("catalog")

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_it_translates_every_message_and_compiles_them():
    po = (LOCALE / "django.po").read_text()
    assert "#, fuzzy" not in po
    entries = re.findall(r'\nmsgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po)
    untranslated = [
        m for m, s in entries if "".join(re.findall(r'"(.*)"', m)) and not "".join(re.findall(r'"(.*)"', s))
    ]
    assert untranslated == []
    compiled = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    assert compiled.gettext("Add domain") == "添加域名"
    assert compiled.gettext("Your Plcloud session has expired.") != "Your Plcloud session has expired."


def test_every_message_in_the_code_is_in_the_catalog():
    """makemessages, run afresh, adds no message the shipped catalog lacks. (It can only write to
    the project's own catalog, which is put back as it was afterwards.)"""
    from django.core.management import call_command

    catalog = LOCALE / "django.po"
    shipped = catalog.read_text()
    ignore = [".venv", "var", "tests", "plcloud_sandbox", "dev.py", "bench", "node_modules"]
    try:
        call_command("makemessages", locale=["zh_Hans"], ignore_patterns=ignore, verbosity=0)
        fresh = catalog.read_text()
    finally:
        catalog.write_text(shipped)

    def ids(text: str) -> set[str]:  # the messages themselves, however the lines are wrapped
        return {"".join(re.findall(r'"(.*)"', m)) for m in re.findall(r'\nmsgid ((?:".*"\n)+)', text)}

    assert ids(fresh) - ids(shipped) == set(), "run makemessages and translate the new messages"
