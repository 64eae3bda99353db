"""An export's CSV lines read back as the values they were written from, whatever the values; a
text cell a spreadsheet would take for a formula reads back as text, behind a single quote."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs import exports

VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["a,b", '"quoted"', "line\nbreak", "cr\rhere", " spaced ", "", "None", "逗号，中文"]),
    st.builds(lambda start, rest: start + rest, st.sampled_from("=+-@\t\r"), st.text(max_size=20)),
)
# What OWASP's CSV Injection page names as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ENTRIES = st.lists(st.fixed_dictionaries({column: VALUES for column in exports.COLUMNS}), max_size=20)
# Tests time nothing: on a busy machine drawing 20 entries of 10 texts can pass Hypothesis's limits.
UNTIMED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def as_text(value):
    """A text cell as written: behind a single quote when it could start a formula (but a lone
    "-", which logs write for "none"). Numbers as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and value != "-":
        return "'" + value
    return value


def as_written(value) -> str:
    return "" if value is None else str(as_text(value))


@settings(UNTIMED, max_examples=300)
@given(ENTRIES)
def test_every_line_reads_back_as_its_entry(entries):
    data, count = exports._lines(entries, None)
    assert count == len(entries)
    assert read_back(data) == [[as_written(e[c]) for c in exports.COLUMNS] for e in entries]


def no_bare_cr(entries) -> bool:
    return not any("\r" in as_written(value) for entry in entries for value in entry.values())


@settings(UNTIMED, max_examples=300)
@given(ENTRIES.filter(no_bare_cr))
def test_the_lines_are_what_the_csv_module_writes(entries):
    """Byte for byte, except for a carriage return, which the csv module leaves unquoted with a
    "\n" line end (and its own reader then splits the line there); these lines quote it."""
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows([[as_text(e[c]) for c in exports.COLUMNS] for e in entries])
    assert exports._lines(entries, None)[0] == expected.getvalue().encode()


def test_an_entry_without_some_fields_is_written_with_them_empty():
    data, count = exports._lines([{"time": "t", "url": "http://h/a,b", "status": 200}], None)
    assert count == 1 and read_back(data) == [["t", "", "", "http://h/a,b", "200", "", "", "", "", ""]]


def test_a_carriage_return_inside_a_field_stays_inside_it():
    data, _count = exports._lines([dict.fromkeys(exports.COLUMNS, "a\rb")], None)
    assert read_back(data) == [["a\rb"] * len(exports.COLUMNS)]


FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://evil.example/","Click")',
    "+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=a,b",
    '=1+"2"',
]


def test_a_text_cell_that_could_start_a_formula_reads_back_as_text():
    entries = [dict.fromkeys(exports.COLUMNS, formula) | {"status": -1, "bytes": -5} for formula in FORMULAS]
    rows = read_back(exports._lines(entries, None)[0])
    assert [row[3] for row in rows] == ["'" + formula for formula in FORMULAS]
    for row in rows:
        assert (row[4], row[5]) == ("-1", "-5")  # numbers stay numbers
        assert not any(cell.startswith(FORMULA_START) for cell in row[:4] + row[6:])


def test_a_lone_dash_stays_as_logs_write_it():
    data, _count = exports._lines([dict.fromkeys(exports.COLUMNS, "-")], None)
    assert data == b",".join([b"-"] * len(exports.COLUMNS)) + b"\n"
