"""Open311 GeoReport v2 read side: categories as services, reports as service requests.

The feed is public, so a request carries what the city would publish about a problem and nothing
about who reported it: no reporter, no caller name or phone, no channel, no internal notes.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES
from app.categories.models import Category
from app.core.status_words import status_word
from app.reports.models import PhotoKind, PhotoRedaction, Report, ReportPhoto
from app.reports.reading import area_names
from app.reports.states import ReportStatus
from app.units.models import Unit

SPECIFICATION_URL = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_WINDOW = timedelta(days=90)  # the spec's default, and the widest range one query may span
MAX_REQUESTS = 1000
CLOSED_STATUSES = frozenset({ReportStatus.CLOSED, ReportStatus.REJECTED, ReportStatus.DUPLICATE})
# What a member of the public reads about each status: the glossary's word (zh-CN, as the rest of
# the feed), the same word the console shows.
STATUS_NOTES = {status: status_word("report", status) for status in ReportStatus}
URGENT_ATTRIBUTE = "urgent"


def open311_status(status: ReportStatus) -> str:
    """The spec's two statuses: a report is closed once no one will act on it any more."""
    return "closed" if status in CLOSED_STATUSES else "open"


def statuses_for(open311_statuses: set[str]) -> set[ReportStatus]:
    """The report statuses behind a set of Open311 statuses (`open`, `closed`)."""
    return {s for s in ReportStatus if open311_status(s) in open311_statuses}


def service_of(category: Category) -> dict[str, Any]:
    """One category as an Open311 service."""
    return {
        "service_code": category.code,
        "service_name": category.name_zh,
        "description": f"{category.name_zh} ({category.name_en})；处置时限 "
        f"{category.time_limit_hours:g} 小时",
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join((category.name_en, category.group_name_zh, category.group_name_en)),
        "group": category.group_name_zh,
    }


def service_definition(category: Category) -> dict[str, Any]:
    """The attributes a request of this service may carry (`attribute[urgent]`)."""
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": URGENT_ATTRIBUTE,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "true 或 false",
                "order": 1,
                "description": "是否紧急（危及安全、需立即处置）/ Urgent: a danger to people now",
                "values": [{"key": "true", "name": "紧急"}, {"key": "false", "name": "一般"}],
            }
        ],
    }


def list_services(session: Session) -> list[Category]:
    """Active categories in code order."""
    return list(session.exec(select(Category).where(col(Category.active)).order_by(Category.code)))


@dataclass(frozen=True)
class RequestQuery:
    """The spec's filters; ids, when given, override every other one."""

    ids: Sequence[int] = ()
    service_codes: Sequence[str] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[ReportStatus] = frozenset()


def find_requests(session: Session, query: RequestQuery, *, now: datetime) -> list[Report]:
    """The reports a query names, newest first, at most the spec's 1000."""
    return list(session.exec(requests_statement(query, now=now).limit(MAX_REQUESTS)))


def requests_statement(query: RequestQuery, *, now: datetime) -> SelectOfScalar[Report]:
    """The query behind `find_requests`: a date window (90 days by default), newest first."""
    statement = select(Report)
    if query.ids:
        statement = statement.where(col(Report.id).in_(list(query.ids)))
    else:
        end = query.end or (query.start + DEFAULT_WINDOW if query.start else now)
        start = query.start or end - DEFAULT_WINDOW
        statement = statement.where(col(Report.created_at) >= start, col(Report.created_at) < end)
        if query.service_codes:
            statement = statement.where(col(Report.category_code).in_(list(query.service_codes)))
        if query.statuses:
            statement = statement.where(col(Report.status).in_(sorted(query.statuses)))
    return statement.order_by(col(Report.created_at).desc(), col(Report.id).desc())


def present_requests(
    session: Session, reports: Sequence[Report], *, media_url: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Reports as Open311 service requests, loaded in a handful of queries for the batch."""
    ids = [r.id for r in reports if r.id is not None]
    categories = {c.code: c for c in session.exec(select(Category))}
    names = area_names(session, {c for r in reports for c in (r.grid_code, r.community_code) if c})
    agencies, expected = _active_tasks(session, ids)
    first_photos = _first_photo_keys(session, ids)
    return [
        _request_of(
            report,
            categories.get(report.category_code),
            names,
            agencies=agencies.get(report.id or 0, []),
            expected_at=expected.get(report.id or 0),
            media_url=media_url(first_photos[report.id]) if report.id in first_photos else None,
        )
        for report in reports
    ]


def _request_of(
    report: Report,
    category: Category | None,
    names: dict[str, str],
    *,
    agencies: list[str],
    expected_at: datetime | None,
    media_url: str | None,
) -> dict[str, Any]:
    address = " ".join(names[c] for c in (report.community_code, report.grid_code) if c in names)
    return {
        "service_request_id": str(report.id),
        "status": open311_status(report.status),
        "status_notes": _status_notes(report),
        "service_name": category.name_zh if category else report.category_code,
        "service_code": report.category_code,
        "description": report.description,
        "agency_responsible": "、".join(agencies) or None,
        "service_notice": (
            f"处置时限 {category.time_limit_hours:g} 小时" if category is not None else None
        ),
        "requested_datetime": report.created_at.isoformat(),
        "updated_datetime": report.updated_at.isoformat(),
        "expected_datetime": expected_at.isoformat() if expected_at else None,
        "address": address or None,
        "address_id": report.grid_code,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": media_url,
    }


def _status_notes(report: Report) -> str:
    note = STATUS_NOTES[report.status]
    if report.status is ReportStatus.REJECTED and report.rejection_reason:
        return f"{note}：{report.rejection_reason}"
    if report.status is ReportStatus.DUPLICATE and report.duplicate_of_id:
        return f"已合并到 {report.duplicate_of_id}"
    return note


def _active_tasks(
    session: Session, report_ids: list[int]
) -> tuple[dict[int, list[str]], dict[int, datetime]]:
    """Per report, the names of the units now handling it and the latest deadline among them."""
    agencies: dict[int, list[str]] = defaultdict(list)
    expected: dict[int, datetime] = {}
    if not report_ids:
        return agencies, expected
    rows = session.exec(
        select(Task.report_id, Task.due_at, Unit.name)
        .join(Unit, col(Unit.id) == col(Task.unit_id))
        .where(col(Task.report_id).in_(report_ids), col(Task.status).in_(ACTIVE_TASK_STATUSES))
        .order_by(col(Task.id))
    )
    for report_id, due_at, unit_name in rows:
        if unit_name not in agencies[report_id]:
            agencies[report_id].append(unit_name)
        expected[report_id] = max(due_at, expected.get(report_id, due_at))
    return agencies, expected


def _first_photo_keys(session: Session, report_ids: list[int]) -> dict[int, str]:
    """Per report, the display copy of its first redacted "before" photo."""
    if not report_ids:
        return {}
    rows = session.exec(
        select(ReportPhoto.report_id, ReportPhoto.display_key)
        .where(
            col(ReportPhoto.report_id).in_(report_ids),
            col(ReportPhoto.kind) == PhotoKind.BEFORE,
            col(ReportPhoto.redaction) == PhotoRedaction.REDACTED,
        )
        .order_by(col(ReportPhoto.position).desc(), col(ReportPhoto.id).desc())
    )
    # Ordered last-first, so that the first photo is the one left in the dict.
    return {report_id: key for report_id, key in rows}
