"""The monthly points statement (月度积分明细) as a CSV that Excel opens with Chinese intact."""

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from app.points.periods import to_local
from app.points.rules import ENTRY_KIND_NAMES_ZH, EntryKind

STATEMENT_COLUMNS = ("时间", "类型", "积分变动", "余额", "说明", "关联编号")
OPENING_LABEL = "期初余额"
CLOSING_LABEL = "期末余额"
# Excel reads a CSV as the local ANSI code page unless it starts with a UTF-8 byte order mark.
UTF8_BOM = "\ufeff"
# Cells starting with these run as formulas in spreadsheets; typed reasons must not.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class LedgerLine(Protocol):
    created_at: datetime
    kind: EntryKind
    amount: int
    reason: str
    source_id: str


def statement_csv(month: str, opening_balance: int, lines: Sequence[LedgerLine]) -> bytes:
    """UTF-8 CSV with BOM: an opening row, one row per entry with the running balance, a
    closing row."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    writer = csv.writer(buffer)
    writer.writerow(STATEMENT_COLUMNS)
    writer.writerow([f"{month}-01", OPENING_LABEL, "", opening_balance, "", ""])
    balance = opening_balance
    for line in lines:
        balance += line.amount
        writer.writerow(
            [
                to_local(line.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                ENTRY_KIND_NAMES_ZH[line.kind],
                f"{line.amount:+d}" if line.amount else "0",
                balance,
                _text_cell(line.reason),
                "" if line.kind is EntryKind.ADJUSTMENT else _text_cell(line.source_id),
            ]
        )
    writer.writerow([month, CLOSING_LABEL, "", balance, "", ""])
    return buffer.getvalue().encode("utf-8")


def _text_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value
