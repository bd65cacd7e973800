"""Every CSV and XLSX file Medvirke sends is written here, so that no export can carry a formula.

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` (and, in some programs, a
tab or a carriage return before them) as a formula: a council named
`=HYPERLINK("http://x","klikk")` would become a live link, or worse, in the secretariat's
Excel. OWASP's rule (CSV injection) is applied to every text cell: such text is prefixed with
`'`, which the spreadsheet shows as the text itself. Numbers, dates and times are written as they
are, so they stay numbers to sum and sort. In XLSX every text cell is also typed as a string
(`data_type = "s"`), so openpyxl never writes it as a formula whatever it begins with.

Both writers take an iterable of rows and stream: the CSV row by row to the client, the XLSX
through openpyxl's write-only workbook into a temporary file, so memory stays flat for large
exports.
"""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PLAIN = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)
_UNSAFE_IN_FILENAME = re.compile(r"[^\w.\-]+")
_UNSAFE_SHEET_TITLE = re.compile(r"[\\/*?:\[\]]")  # Excel refuses these in a sheet's name


def safe_cell(value: Any) -> Any:
    """The value as an export should write it: None, numbers, dates and times unchanged, anything
    else as text, with `'` in front when it begins like a formula."""
    if value is None or isinstance(value, _PLAIN):
        return value
    text = str(value)  # lazy translations and model instances become their text
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def _disposition(filename: str) -> str:
    # Callers build names from slugs; this keeps a quote or line break out of the header anyway.
    return f'attachment; filename="{_UNSAFE_IN_FILENAME.sub("-", filename)}"'


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> Iterator[str]:
    """The CSV text, line by line, every cell through `safe_cell`. It begins with a byte-order
    mark and uses semicolons: Excel with Norwegian settings then opens it with æøå in columns."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(safe_row(row))


def csv_response(
    rows: Iterable[Sequence[Any]], filename: str, *, delimiter: str = ";"
) -> StreamingHttpResponse:
    """A streamed CSV attachment."""
    response = StreamingHttpResponse(
        csv_lines(rows, delimiter=delimiter), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _disposition(filename)
    return response


def _xlsx_value(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = safe_cell(value)
    if isinstance(value, str):
        # openpyxl refuses control characters (it would raise and the download would fail).
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # Excel has no time zones: write the local time people expect to read.
        return timezone.make_naive(value)
    return value


def xlsx_workbook(
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Medvirke",
    column_widths: dict[str, float] | None = None,
) -> Any:
    """A write-only openpyxl workbook with one sheet holding the rows, every cell through
    `safe_cell` and every text cell typed as a string (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_UNSAFE_SHEET_TITLE.sub(" ", sheet_title)[:31] or "Medvirke")
    for column, width in (column_widths or {}).items():
        sheet.column_dimensions[column].width = width
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    return book


def xlsx_response(
    rows: Iterable[Sequence[Any]],
    filename: str,
    *,
    sheet_title: str = "Medvirke",
    column_widths: dict[str, float] | None = None,
) -> FileResponse:
    """An XLSX attachment, built in a temporary file (removed when the response closes)."""
    book = xlsx_workbook(rows, sheet_title=sheet_title, column_widths=column_widths)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    book.save(out)
    out.seek(0)
    response = FileResponse(out, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    return response
