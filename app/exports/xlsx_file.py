"""XLSX written as it streams: the sheet's XML is made row by row and zipped on the fly.

XlsxWriter, the usual library, cannot send a byte before the workbook is closed (10 s per 100,000
rows here, so a city's export would time out at the proxy before it began); stream-zip zips the
parts as they are made, and the parts of a one-sheet workbook are short. Strings are inline (no
shared-string table to hold in memory), and an inline string is never a formula.
"""

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from stat import S_IFREG
from xml.sax.saxutils import escape, quoteattr

from stream_zip import ZIP_32, stream_zip

from app.exports.table import Cell, Rows, batched

# The format's limit, header included; Excel refuses a sheet with more.
MAX_ROWS = 1_048_576
ROWS_PER_CHUNK = 500
EXCEL_EPOCH = datetime(1899, 12, 30)
# Characters XML 1.0 cannot carry at all (a description pasted from somewhere may hold them).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
DATETIME_STYLE = 1  # the second cellXfs entry of STYLES

CONTENT_TYPES = f"""{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="{DOCUMENT_TYPE}.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{DOCUMENT_TYPE}.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="{DOCUMENT_TYPE}.styles+xml"/></Types>"""
PACKAGE_RELS = f"""{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">\
<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""
WORKBOOK_RELS = f"""{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">\
<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>"""
STYLES = f"""{DECLARATION}<styleSheet xmlns="{MAIN}">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>\
<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs></styleSheet>"""


def xlsx_chunks(sheet_name: str, header: Sequence[str], rows: Rows) -> Iterator[bytes]:
    """A one-sheet workbook of `header` and `rows` (the rows past the format's limit are left
    out; the caller says so in a last row if it wants to)."""
    modified = datetime.now()
    members = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("xl/workbook.xml", _workbook(sheet_name)),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
    ]
    files = [(name, modified, S_IFREG | 0o644, ZIP_32, [text.encode()]) for name, text in members]
    sheet = (
        "xl/worksheets/sheet1.xml",
        modified,
        S_IFREG | 0o644,
        ZIP_32,
        _sheet(header, rows),
    )
    yield from stream_zip([*files, sheet])


def _workbook(sheet_name: str) -> str:
    # Excel refuses a sheet name over 31 characters or with any of []:*?/\ in it.
    name = quoteattr(NOT_IN_SHEET_NAMES.sub("", NOT_XML.sub("", sheet_name))[:31])
    return (
        f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _sheet(header: Sequence[str], rows: Rows) -> Iterator[bytes]:
    yield f'{DECLARATION}<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield _row(header).encode()
    left = MAX_ROWS - 1
    for batch in batched(rows, ROWS_PER_CHUNK):
        batch = batch[:left]
        left -= len(batch)
        yield "".join(_row(row) for row in batch).encode()
        if not left:
            break
    yield b"</sheetData></worksheet>"


def _row(cells: Sequence[Cell]) -> str:
    return "<row>" + "".join(_cell(cell) for cell in cells) + "</row>"


def _cell(cell: Cell) -> str:
    if cell is None:
        return "<c/>"
    if isinstance(cell, bool):
        return f'<c t="b"><v>{int(cell)}</v></c>'
    if isinstance(cell, int | float):
        return f"<c><v>{cell!r}</v></c>"
    if isinstance(cell, datetime):
        serial = (cell.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
        return f'<c s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
    text = escape(NOT_XML.sub("", cell))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
