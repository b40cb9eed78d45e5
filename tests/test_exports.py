"""Exports are safe to open in a spreadsheet."""

from __future__ import annotations

import pytest

from ingest.exports import csv_cell


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1-555", "'+1-555"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("Damascus", "Damascus"),
    (42, 42),
    (["a", "b"], '["a", "b"]'),
    ({"killed": {"low": 6}}, '{"killed": {"low": 6}}'),
])
def test_csv_cells_are_not_formulas(value: object, expected: object) -> None:
    assert csv_cell(value) == expected
