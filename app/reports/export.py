"""The queue as a file: every report the current filter shows, as CSV, XLSX or GeoJSON.

The rows are read through the queue's own keyset order in batches, in one read transaction (one
snapshot: a report that changes meanwhile is exported once, as it was), so a million rows cost
memory for one batch and the first bytes leave before the last row is read. An export carries no
caller and no photo link: it is a file that travels, and photos are not yet redacted.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from app.accounts.access import AREA_MANAGERS
from app.accounts.scope import Scope
from app.categories.models import Category
from app.core.db import session_scope
from app.core.messages import Message
from app.core.status_words import glossary
from app.exports.csv_file import csv_chunks
from app.exports.geojson_file import feature_collection_chunks, point_feature
from app.exports.table import Row
from app.exports.xlsx_file import MAX_ROWS, xlsx_chunks
from app.reports import listing, reading
from app.reports.caller_phones import CallerView
from app.reports.schemas import PhotoUrl, ReportPublic

EXPORTERS = AREA_MANAGERS.refusing(Message("reports.exporters-only"))
BATCH = 1000
SHEET_NAME = "问题清单"
# (header for people, property name for GeoJSON)
COLUMNS = (
    ("编号 id", "id"),
    ("上报时间 created_at", "created_at"),
    ("状态 status", "status"),
    ("状态名称 status_name", "status_name"),
    ("类别 category", "category"),
    ("类别名称 category_name", "category_name"),
    ("紧急 urgent", "urgent"),
    ("社区 community", "community"),
    ("网格编码 grid_code", "grid_code"),
    ("网格 grid", "grid"),
    ("纬度 lat", "lat"),
    ("经度 lon", "lon"),
    ("描述 description", "description"),
    ("来源 channel", "channel"),
    ("合并到 duplicate_of", "duplicate_of"),
    ("受理时间 accepted_at", "accepted_at"),
    ("派单时间 dispatched_at", "dispatched_at"),
    ("处置完成 resolved_at", "resolved_at"),
    ("办结时间 closed_at", "closed_at"),
    ("评价 rating", "rating"),
    ("评价内容 rating_comment", "rating_comment"),
    ("照片数 photos", "photos"),
)
HEADER = [header for header, _ in COLUMNS]
PROPERTIES = [name for _, name in COLUMNS]
TRUNCATED = "……超过 Excel 的行数上限，其余未导出，请改用 CSV。Rows past Excel's limit: use CSV."


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    GEOJSON = "geojson"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.GEOJSON: "application/geo+json",
}


def export_filename(export_format: ExportFormat, now: datetime) -> str:
    return f"tantou-reports-{now:%Y%m%d-%H%M}.{export_format.value}"


def export_chunks(
    engine: Engine,
    scope: Scope,
    filters: listing.ReportFilter,
    export_format: ExportFormat,
    *,
    zone: tzinfo,
    photo_url: PhotoUrl,
) -> Iterator[bytes]:
    """The export document in pieces, read as it is sent."""
    exported = _exported(engine, scope, filters, zone=zone, photo_url=photo_url)
    if export_format is ExportFormat.CSV:
        return csv_chunks(HEADER, (row for _, row in exported))
    if export_format is ExportFormat.XLSX:
        return xlsx_chunks(SHEET_NAME, HEADER, _marking_truncation(row for _, row in exported))
    return feature_collection_chunks(
        point_feature(report.lon, report.lat, _properties(row)) for report, row in exported
    )


def _exported(
    engine: Engine,
    scope: Scope,
    filters: listing.ReportFilter,
    *,
    zone: tzinfo,
    photo_url: PhotoUrl,
) -> Iterator[tuple[ReportPublic, Row]]:
    """Each report the filter shows, with its row, in the queue's order."""
    with session_scope(engine, write=False) as session:
        categories = {c.code: c.name_zh for c in session.exec(select(Category))}
        statuses = {status: words["zh-CN"] for status, words in glossary()["report"].items()}
        cursor: str | None = None
        while True:
            reports, cursor = listing.list_reports(
                session, scope, filters, cursor=cursor, limit=BATCH
            )
            presented = reading.present_reports(
                session, reports, photo_url=photo_url, callers=CallerView.HIDDEN
            )
            for report in presented:
                yield report, _row(report, categories, statuses, zone)
            if cursor is None:
                return
            session.expunge_all()  # one batch in memory, not every report met so far


def _row(
    report: ReportPublic, categories: dict[str, str], statuses: dict[str, str], zone: tzinfo
) -> Row:
    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone) if moment else None

    return (
        report.id,
        local(report.created_at),
        report.status.value,
        statuses.get(report.status.value, report.status.value),
        report.category,
        categories.get(report.category, ""),
        report.urgent,
        report.community.name if report.community else None,
        report.grid.code if report.grid else None,
        report.grid.name if report.grid else None,
        report.lat,
        report.lon,
        report.description,
        report.channel.value,
        report.duplicate_of,
        local(report.accepted_at),
        local(report.dispatched_at),
        local(report.resolved_at),
        local(report.closed_at),
        report.rating.stars if report.rating else None,
        report.rating.comment if report.rating else None,
        len(report.photos),
    )


def _properties(row: Row) -> dict[str, Any]:
    return {
        name: cell.isoformat() if isinstance(cell, datetime) else cell
        for name, cell in zip(PROPERTIES, row, strict=True)
    }


def _marking_truncation(rows: Iterable[Row]) -> Iterator[Row]:
    """The rows a sheet can hold, with a last row saying so when there were more."""
    room = MAX_ROWS - 2  # the header, and the note that rows were left out
    for index, row in enumerate(rows):
        if index == room:
            yield (TRUNCATED,)
            return
        yield row
