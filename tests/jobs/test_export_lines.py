"""An export's CSV lines read back as the values they were written from, whatever the values."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from jobs import exports

VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["a,b", '"quoted"', "line\nbreak", "cr\rhere", " spaced ", "", "None", "逗号，中文"]),
)
ENTRIES = st.lists(st.fixed_dictionaries({column: VALUES for column in exports.COLUMNS}), max_size=20)


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def as_written(value) -> str:
    return "" if value is None else str(value)


@settings(max_examples=300)
@given(ENTRIES)
def test_every_line_reads_back_as_its_entry(entries):
    data, count = exports._lines(entries, None)
    assert count == len(entries)
    assert read_back(data) == [[as_written(e[c]) for c in exports.COLUMNS] for e in entries]


def no_bare_cr(entries) -> bool:
    return not any("\r" in as_written(value) for entry in entries for value in entry.values())


@settings(max_examples=300)
@given(ENTRIES.filter(no_bare_cr))
def test_the_lines_are_what_the_csv_module_writes(entries):
    """Byte for byte, except for a carriage return, which the csv module leaves unquoted with a
    "\n" line end (and its own reader then splits the line there); these lines quote it."""
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows([[e[c] for c in exports.COLUMNS] for e in entries])
    assert exports._lines(entries, None)[0] == expected.getvalue().encode()


def test_an_entry_without_some_fields_is_written_with_them_empty():
    data, count = exports._lines([{"time": "t", "url": "http://h/a,b", "status": 200}], None)
    assert count == 1 and read_back(data) == [["t", "", "", "http://h/a,b", "200", "", "", "", "", ""]]


def test_a_carriage_return_inside_a_field_stays_inside_it():
    data, _count = exports._lines([dict.fromkeys(exports.COLUMNS, "a\rb")], None)
    assert read_back(data) == [["a\rb"] * len(exports.COLUMNS)]
