"""The file formats on their own: what a spreadsheet or a GIS makes of the bytes."""

import csv
import io
import json
from datetime import datetime

import openpyxl
import pytest

from app.exports import xlsx_file
from app.exports.csv_file import csv_chunks, safe_text
from app.exports.geojson_file import feature_collection_chunks, point_feature
from app.exports.xlsx_file import xlsx_chunks


@pytest.mark.parametrize("text", ["=1+1", "+86 139", "-2", "@SUM(A1)", "\tcmd", "\rx"])
def test_text_a_spreadsheet_would_run_is_quoted(text: str) -> None:
    assert safe_text(text) == "'" + text


def test_numbers_and_plain_text_stay_as_they_are() -> None:
    assert [safe_text(v) for v in (-3, 2.5, "垃圾 = 多", None, True)] == [
        "-3",
        "2.5",
        "垃圾 = 多",
        "",
        "true",
    ]


def test_csv_opens_with_a_bom_and_quotes_what_needs_quoting() -> None:
    data = b"".join(csv_chunks(["a", "b"], [['逗号,引号"', 1], ["换行\n", None]]))

    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["a", "b"],
        ['逗号,引号"', "1"],
        ["换行\n", ""],
    ]


def test_xlsx_keeps_types_and_drops_what_xml_cannot_carry() -> None:
    when = datetime(2026, 12, 6, 8, 30, 15)
    rows = [[1, 2.5, True, when, "控制\x01字符 <&>", None]]

    data = b"".join(xlsx_chunks("问题清单/很长的名字" * 5, list("abcdef"), rows))

    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert len(sheet.title) == 31
    values = list(sheet.iter_rows(values_only=True))
    assert values == [tuple("abcdef"), (1, 2.5, True, when, "控制字符 <&>", None)]


def test_xlsx_stops_at_the_formats_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_file, "MAX_ROWS", 4)

    data = b"".join(xlsx_chunks("s", ["n"], ([n] for n in range(10))))

    rows = list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert rows == [("n",), (0,), (1,), (2,)]


def test_geojson_is_a_feature_collection_of_points_longitude_first() -> None:
    features = (point_feature(117.5 + n, 32.8, {"id": n}) for n in range(3))

    collection = json.loads(b"".join(feature_collection_chunks(features)))

    assert [f["geometry"]["coordinates"] for f in collection["features"]] == [
        [117.5, 32.8],
        [118.5, 32.8],
        [119.5, 32.8],
    ]
    assert json.loads(b"".join(feature_collection_chunks([])))["features"] == []
