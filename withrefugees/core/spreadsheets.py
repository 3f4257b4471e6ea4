"""Spreadsheet downloads for staff: rows as CSV or as Excel workbooks (.xlsx) that open
correctly in Japanese Excel and cannot run formulas. Generic (events, support requests,
later pledges): a caller gives translated headers and rows of cells.

A cell (``Cell``) is ``None`` (empty), ``str`` (text), ``bool``, ``int``/``float``/
``Decimal`` (a number), ``datetime.date`` or ``datetime.datetime`` (naive, or aware: then
written as the wall-clock time of its own offset; convert it to the zone you mean first).

Formula injection (OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection;
CWE-1236): a spreadsheet program reads a cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or a line feed as a formula (``=HYPERLINK(…)`` sends data away,
``=cmd|…`` ran programs through DDE). Japanese Excel also takes the full-width forms
``＝ ＋ － ＠`` as the start of a formula (it turns full-width input into ASCII;
reported in OWASP/www-community issue 1088, "reproduced in a Japanese environment", and
listed by OWASP's page since: "full-width (double-byte) variants … depending on locale").
So every *text* cell whose first character is one of ``FORMULA_STARTS`` is made inert:

- CSV: prefixed with an apostrophe (``'=1+1``), as OWASP recommends; the file is written
  with ``defusedcsv`` (https://github.com/raphaelm/defusedcsv), which adds its own rule on
  top: a text beginning with ``|`` or ``%`` is prefixed too (and its ``|`` written ``\\|``).
  A text that merely looks like a number (``"-1"`` given as ``str``) is prefixed as well:
  it is text, and the apostrophe keeps it text.
- .xlsx: a string cell (never a formula: ``write_string`` with ``strings_to_formulas``,
  ``strings_to_urls`` and ``strings_to_numbers`` off), with the cell format's
  ``quote_prefix`` set, so that it stays text even when someone edits it in Excel. The text
  itself is unchanged (no apostrophe in the value).

Numbers (``int``, ``float``, ``Decimal``), booleans and dates are never prefixed: they are
written as numbers (``-1``), ``TRUE``/``FALSE`` and dates (CSV: ``2027-06-20`` and
``2027-06-20 18:30:00``; .xlsx: numeric, boolean and date cells with a date format).

CSV encoding: UTF-8 with a byte order mark, CRLF line ends, fields quoted when needed
(RFC 4180). Japanese Excel opens a CSV without a BOM as Shift_JIS (CP932) and shows
mojibake; with the BOM it reads UTF-8, which also carries what CP932 cannot (emoji such as
😀 and 👨‍👩‍👧, and many rarer kanji). CRLF is RFC 4180's and Excel's own line end; a line
break inside a cell is written as LF (``\\r\\n`` and ``\\r`` in a text become ``\\n``), which
Excel shows as a break within the cell. Numbers in CSV carry no type: Excel drops the
leading zeros of a code such as ``011002`` (use the .xlsx file, where text stays text).
Excel may also drop a CSV's apostrophes when the file is saved again as CSV in Excel.

.xlsx limits: a text longer than 32,767 characters is cut there (Excel's limit); a sheet
name is cut to 31 characters without ``[]:*?/\\``.
"""

import csv as _csv  # for the quoting constants only
import datetime
import io
import math
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

import xlsxwriter
from defusedcsv import csv as defusedcsv
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

Cell = str | bool | int | float | Decimal | datetime.date | datetime.datetime | None

#: First characters that make a spreadsheet program read a text cell as a formula.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_COLUMN_WIDTH = 60


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program would read ``text`` as a formula (first character)."""
    return bool(text) and text[0] in FORMULA_STARTS


def defuse(text: str) -> str:
    """``text`` made inert for CSV: ``'`` before it when ``is_formula_like``."""
    return "'" + text if is_formula_like(text) else text


def _line_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _naive(value: datetime.datetime) -> datetime.datetime:
    return value.replace(tzinfo=None, microsecond=0)


def _csv_cell(value: Cell):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, int | float | Decimal):
        return value  # written by the csv module as a plain number (defusedcsv skips it)
    if isinstance(value, datetime.datetime):
        return _naive(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return defuse(_line_breaks(str(value)))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The rows as CSV for Excel: UTF-8 with BOM, CRLF (see the module docstring)."""
    buffer = io.StringIO(newline="")
    writer = defusedcsv.writer(buffer, dialect="excel", lineterminator="\r\n",
                               quoting=_csv.QUOTE_MINIMAL)
    writer.writerow([_csv_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _display_width(text: str) -> int:
    """Columns ``text`` takes in Excel: two for wide (CJK, emoji) characters."""
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)


def _sheet_name(name: str) -> str:
    cleaned = "".join(c for c in name if c not in "[]:*?/\\").strip("'")[:31]
    return cleaned or "Sheet1"


class _XlsxWriter:
    """One worksheet; remembers the formats it made and the widest text of each column."""

    def __init__(self, workbook: xlsxwriter.Workbook, sheet_name: str):
        self.workbook = workbook
        self.sheet = workbook.add_worksheet(_sheet_name(sheet_name))
        self.formats: dict[tuple, object] = {}
        self.widths: dict[int, int] = {}

    def fmt(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.formats:
            self.formats[key] = self.workbook.add_format(props) if props else None
        return self.formats[key]

    def write(self, row: int, col: int, value: Cell, **props) -> None:
        sheet = self.sheet
        width = 0
        if value is None or value == "" or (isinstance(value, float)
                                            and not math.isfinite(value)):
            return  # an empty cell
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, self.fmt(**props))
            width = 5
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, col, float(value), self.fmt(**props))
            width = len(str(value))
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, _naive(value),
                                 self.fmt(num_format=DATETIME_FORMAT, **props))
            width = 16
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, col, value, self.fmt(num_format=DATE_FORMAT, **props))
            width = 10
        else:
            text = _line_breaks(str(value))
            if is_formula_like(text):
                props["quote_prefix"] = True
            if "\n" in text:
                props["text_wrap"] = True
            sheet.write_string(row, col, text, self.fmt(**props))
            width = _display_width(text)
        self.widths[col] = max(self.widths.get(col, 0), width)

    def finish(self, columns: int) -> None:
        for col in range(columns):
            self.sheet.set_column(col, col, min(self.widths.get(col, 8) + 2, MAX_COLUMN_WIDTH))


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], *,
               sheet_name: str = "Sheet1") -> bytes:
    """The rows as an Excel workbook of one sheet: a bold header row, frozen, with filters;
    text as strings (never formulas), numbers, booleans and dates as such."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
    })
    out = _XlsxWriter(workbook, sheet_name)
    for col, title in enumerate(header):
        out.write(0, col, str(title), bold=True)
    last = 0
    for last, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            out.write(last, col, value)
    out.sheet.freeze_panes(1, 0)
    if header:
        out.sheet.autofilter(0, 0, last, len(header) - 1)
    out.finish(len(header))
    workbook.close()
    return buffer.getvalue()


def spreadsheet_response(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, fmt: str,
                         filename: str, sheet_name: str = "Sheet1") -> HttpResponse:
    """A download of the rows as ``fmt`` (``"csv"`` or ``"xlsx"``; else ``ValueError``)
    named ``<filename>.<fmt>``, never stored by caches (``Cache-Control: private, no-store``:
    staff data)."""
    if fmt == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type=CSV_MEDIA_TYPE)
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(header, rows, sheet_name=sheet_name),
                                content_type=XLSX_MEDIA_TYPE)
    else:
        raise ValueError(f"unknown spreadsheet format {fmt!r}")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    patch_cache_control(response, private=True, no_store=True)
    return response


#: A column of an export: its header and the function giving a record's cell.
Column = tuple[str, Callable[[object], Cell]]


def zone_or_utc(name: str) -> datetime.tzinfo:
    """The IANA zone ``name``, or UTC for a name that is not one (a stored value is never a
    reason for an export to fail)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def local_wall_time(moment: datetime.datetime | None) -> datetime.datetime | None:
    """``moment`` as a naive wall-clock time of ``settings.TIME_ZONE``, to the second (what a
    spreadsheet shows; the zone is named in the column's header)."""
    if moment is None:
        return None
    return moment.astimezone(zone_or_utc(settings.TIME_ZONE)).replace(tzinfo=None,
                                                                       microsecond=0)


def columns_response(columns: Sequence[Column], records: Iterable, *, fmt: str, name: str,
                     sheet_name: str) -> HttpResponse:
    """``records`` as the download ``<name>-<today>.<fmt>`` (``spreadsheet_response``): one
    row per record, one cell per column."""
    header = [title for title, _value in columns]
    rows = ([value(record) for _title, value in columns] for record in records)
    filename = f"{name}-{timezone.localdate().isoformat()}"
    return spreadsheet_response(header, rows, fmt=fmt, filename=filename,
                                sheet_name=sheet_name)
