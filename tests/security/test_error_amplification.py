"""A form of many bad lines answers a short page: the first wrong lines named and the rest counted,
the box as typed, nothing sent upstream. A list past its caps is refused with one message beside
its field, and a body past every form's caps with a page of the panel's own (413).

Every form is posted as a browser posts it (URL-encoded, lines ending in CR LF), at its caps with
every line wrong, one line or one byte past them, and past the body limit. The largest answer is
in the report line at the end of the run."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings as dj_settings

from jobs.models import Job
from tests.security.tally import TALLY

WWW = "www.demo-shop.com"
# What "small" means for an answer to any input a form takes.
SMALL = 1_000_000
FORM = "application/x-www-form-urlencoded"
ORIGIN_IPS_MAX_CHARS = 2000
# The caps the forms promise (cdn.validators, jobs.forms): lines and bytes a list takes, and how
# many wrong lines a page names before it counts the rest.
URL_LIST_MAX_LINES, URL_LIST_MAX_BYTES = 5_000, 500_000
DIR_LIST_MAX_LINES, DIR_LIST_MAX_BYTES = 1_000, 100_000
MAX_LINE_MESSAGES = 20
DOMAIN = {"domain": "fuzz-never-made.example.com", "areas": ["hk"], "type": "web"}


LONG_LINE = f"ftp://{WWW}/long?" + "q=1&" * 250


def paste(count: int, size: int, unit: str = "a") -> str:
    """``count`` lines, none of them a URL the panel takes, ``size`` bytes in all at most: the
    first one over 1,000 characters long, the others padded with ``unit`` (which may be several bytes)."""
    width = (size - len(LONG_LINE) - 2 * (count - 1)) // (count - 1)
    lines = [LONG_LINE]
    for n in range(1, count):
        head = f"ftp://{WWW}/{n}&q="
        lines.append(head + unit * ((width - len(head)) // len(unit.encode())))
    text = "\r\n".join(lines)
    assert len(text.encode()) <= size
    return text


def padded_to(size: int, line: str) -> str:
    """One line of exactly ``size`` bytes."""
    return line + "a" * (size - len(line.encode()))


def box(page: str, name: str) -> str:
    """What the page's textarea ``name`` holds, as the browser shows it."""
    found = re.search(rf'<textarea name="{name}"[^>]*>\n(.*?)</textarea>', page, re.S)
    assert found, f"no box {name} on the page"
    return html.unescape(found.group(1))


def field_errors(page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'<p class="field-error" role="alert">(.*?)</p>', page, re.S)]


def answered(probe, url: str, data: dict, *, accepted) -> tuple[int, str]:
    """Post ``data`` as a browser does and check the answer stays small (recorded for the report)."""
    response = probe.send("POST", url, urlencode(data, doseq=True), accepted=accepted, content_type=FORM)
    size = len(response.content)
    TALLY.largest_answer = max(TALLY.largest_answer, size)
    assert size <= SMALL, f"{url}: {size:,} bytes answered"
    return response.status_code, response.content.decode()


def no_job_made(response) -> bool:
    return response.status_code == 302 or Job.objects.exists()


def redirected(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def forms(www):
    """Each form's URL, the fields it always sends, its list field and what counts as taken."""
    flush = f"/jobs/flush/new/?domain={www['domainId']}"
    return {
        "common URLs": ("/cdn/urls/", {}, "urls", redirected),
        "flush URLs": (flush, {"action": "send", "dirs": ""}, "urls", no_job_made),
        "flush directories": (flush, {"action": "send", "urls": ""}, "dirs", no_job_made),
        "prefetch": ("/jobs/prefetch/new/", {"action": "send"}, "urls", no_job_made),
        "new domain": ("/cdn/new/", DOMAIN, "origin_ips", redirected),
        "domain edit": (f"/cdn/{www['domainId']}/", {"edit-areas": ["hk"]}, "edit-origin_ips", redirected),
    }


CAPS = {  # lines and bytes each list field takes
    "urls": (URL_LIST_MAX_LINES, URL_LIST_MAX_BYTES),
    "dirs": (DIR_LIST_MAX_LINES, DIR_LIST_MAX_BYTES),
}
LIST_FORMS = ["common URLs", "flush URLs", "flush directories", "prefetch"]


@pytest.mark.parametrize("which", LIST_FORMS)
def test_a_list_at_its_caps_with_every_line_wrong_names_the_first_lines_and_counts_them_all(otto, forms, which):
    url, fields, name, accepted = forms[which]
    lines, size = CAPS[name]
    text = paste(lines, size)
    status, page = answered(otto, url, fields | {name: text}, accepted=accepted)
    assert status == 200
    errors = field_errors(page)
    assert len(errors) == MAX_LINE_MESSAGES + 1
    assert errors[0].startswith("Line 1") and LONG_LINE[:99] + "…" in errors[0]
    assert max(len(error) for error in errors) < 200  # each line quoted is cut short
    more = lines - MAX_LINE_MESSAGES
    assert errors[-1] == f"…and {more:,} more lines to correct ({lines:,} in all)."
    assert box(page, name) == text


@pytest.mark.parametrize("which", LIST_FORMS)
def test_a_list_one_line_past_its_cap_is_refused_with_one_message_and_kept(otto, forms, which):
    url, fields, name, accepted = forms[which]
    lines, _size = CAPS[name]
    text = "\r\n".join(f"https://{WWW}/{n}.js" for n in range(lines + 1))
    status, page = answered(otto, url, fields | {name: text}, accepted=accepted)
    assert status == 200
    assert field_errors(page) == [
        f"Paste at most {lines:,} lines here (this has {lines + 1:,}): send a longer list in parts."
    ]
    assert box(page, name) == text


@pytest.mark.parametrize("which", LIST_FORMS)
def test_a_list_one_byte_past_its_cap_is_refused_with_one_message_and_kept(otto, forms, which):
    url, fields, name, accepted = forms[which]
    _lines, size = CAPS[name]
    text = padded_to(size + 1, f"https://{WWW}/long.js?q=")
    status, page = answered(otto, url, fields | {name: text}, accepted=accepted)
    assert status == 200
    assert field_errors(page) == [
        f"Paste at most {size:,} bytes here (this is {size + 1:,}): send a longer list in parts."
    ]
    assert box(page, name) == text


@pytest.mark.parametrize("which", ["new domain", "domain edit"])
def test_origin_ips_at_their_cap_with_every_line_wrong_name_the_first_lines_and_count_them_all(otto, forms, which):
    url, fields, name, accepted = forms[which]
    text = "\r\n".join(["999.1.1.1"] * ((ORIGIN_IPS_MAX_CHARS + 2) // 11))
    assert len(text) <= ORIGIN_IPS_MAX_CHARS
    status, page = answered(otto, url, fields | {name: text}, accepted=accepted)
    assert status == 200
    errors = field_errors(page)
    lines = text.count("\n") + 1
    assert errors[:2] == [f"Line {n}: 999.1.1.1 is not an IPv4 or IPv6 address." for n in (1, 2)]
    assert errors[MAX_LINE_MESSAGES] == f"…and {lines - MAX_LINE_MESSAGES} more lines to correct ({lines} in all)."
    assert len(errors) == MAX_LINE_MESSAGES + 1
    assert box(page, name) == text


@pytest.mark.parametrize("which", ["new domain", "domain edit"])
def test_origin_ips_past_their_cap_are_refused_with_one_message_and_kept(otto, forms, which):
    url, fields, name, accepted = forms[which]
    text = "\r\n".join(["999.1.1.1"] * 200)
    status, page = answered(otto, url, fields | {name: text}, accepted=accepted)
    assert status == 200
    assert field_errors(page) == [
        f"Ensure this value has at most {ORIGIN_IPS_MAX_CHARS} characters (it has {len(text)})."
    ]
    assert box(page, name) == text


@pytest.mark.parametrize("which", [*LIST_FORMS, "new domain", "domain edit"])
def test_a_body_past_every_forms_caps_is_refused_early_with_a_page_of_the_panels_own(otto, forms, which):
    url, fields, name, accepted = forms[which]
    text = padded_to(dj_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1, "x")
    status, page = answered(otto, url, fields | {name: text}, accepted=accepted)
    assert status == 413
    assert "<h1>Too much to send at once</h1>" in page
    assert "The panel reads at most 2.00\xa0MB in one form, and this was more." in page
    assert '<header class="top">' in page and "Sign out" in page  # the panel's own layout


def test_a_flush_at_its_caps_in_characters_a_browser_encodes_three_times_over_is_still_read(otto, forms):
    """Every byte of both boxes percent-encoded (CJK text, 3 bytes a character, 9 on the wire): the
    body stays under the limit, so the answer is the form's own message, not the 413 page."""
    url, fields, _name, accepted = forms["flush URLs"]
    urls = paste(URL_LIST_MAX_LINES, URL_LIST_MAX_BYTES, unit="例")
    dirs = paste(DIR_LIST_MAX_LINES, DIR_LIST_MAX_BYTES, unit="例")
    assert len(urlencode({"urls": urls, "dirs": dirs})) > 1.5 * (URL_LIST_MAX_BYTES + DIR_LIST_MAX_BYTES)
    status, page = answered(otto, url, fields | {"urls": urls, "dirs": dirs}, accepted=accepted)
    assert status == 200
    assert f"({URL_LIST_MAX_LINES:,} in all)." in page and f"({DIR_LIST_MAX_LINES:,} in all)." in page
    assert box(page, "urls") == urls and box(page, "dirs") == dirs
