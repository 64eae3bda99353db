"""The Simplified Chinese catalog is complete and compiled: every message translated, none fuzzy."""

import gettext
import re
from pathlib import Path

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
