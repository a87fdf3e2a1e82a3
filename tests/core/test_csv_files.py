"""CSV cells: formulas neutralised in text, numbers left as numbers."""

from decimal import Decimal

import pytest

from core.csv_files import cell, lines


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2+3", "@cmd", "-0.12"])
def test_text_that_a_spreadsheet_would_run_is_quoted(text):
    assert cell(text) == "'" + text


@pytest.mark.parametrize("number, shown", [(-0.1276, "-0.1276"), (-3, "-3"),
                                           (Decimal("-1.50"), "-1.50"), (0, "0")])
def test_numbers_stay_numbers(number, shown):
    assert cell(number) == shown


def test_none_is_empty_and_booleans_are_text():
    assert cell(None) == ""
    assert cell(True) == "True"


def test_lines_write_a_header_and_rows():
    assert "".join(lines(["a", "b"], [[1, "=x"], [-2.5, None]])) == "a,b\r\n1,'=x\r\n-2.5,\r\n"
