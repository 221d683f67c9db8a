"""CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel in China reads the Chinese), and
no cell that a spreadsheet would run as a formula."""

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import datetime

from app.exports.table import Cell, Rows, batched

BOM = "\ufeff"
ROWS_PER_CHUNK = 500
# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(cell: Cell) -> str:
    """The cell as text, with a quote in front of anything a spreadsheet would evaluate."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="seconds")
    if isinstance(cell, int | float):
        return str(cell)  # numbers stay numbers: "-3" is not text that could be a formula
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def csv_chunks(header: Sequence[str], rows: Rows) -> Iterator[bytes]:
    """The CSV document in pieces of up to ROWS_PER_CHUNK rows."""
    yield (BOM + _lines([header])).encode("utf-8")
    for batch in batched(rows, ROWS_PER_CHUNK):
        yield _lines([[safe_text(cell) for cell in row] for row in batch]).encode("utf-8")


def _lines(rows: list[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
