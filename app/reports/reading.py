"""Reports out: presenting, listing with keyset cursors, nearby look-ups and the timeline."""

import base64
import binascii
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, and_, or_
from sqlmodel import Session, col, select

from app.accounts.models import Account
from app.accounts.scope import Scope
from app.core.area_paths import under_any
from app.core.clock import utcnow
from app.core.errors import Unprocessable
from app.core.inputs import DB_INT_MAX, year_in_range
from app.grids.crs import distance_m
from app.grids.models import Grid
from app.grids.service import grid_by_code
from app.reports.access import reads_urgent_first, visible_reports
from app.reports.caller_phones import CallerView
from app.reports.models import (
    PhotoKind,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportRating,
)
from app.reports.schemas import (
    NearbyReport,
    PhotoUrl,
    RatingPublic,
    ReportEventPublic,
    ReportPublic,
    event_public,
    report_public,
)
from app.reports.states import OPEN_REPORT_STATUSES, ReportStatus

METRES_PER_DEGREE_LAT = 111_320.0
NEARBY_MAX_ITEMS = 20


def present_reports(
    session: Session, reports: Sequence[Report], *, photo_url: PhotoUrl, callers: CallerView
) -> list[ReportPublic]:
    """Reports with their photos and area names, loaded in two queries for the whole batch."""
    ids = [report.id for report in reports if report.id is not None]
    photos: dict[int, list[ReportPhoto]] = defaultdict(list)
    if ids:
        for photo in session.exec(
            select(ReportPhoto)
            .where(col(ReportPhoto.report_id).in_(ids))
            .order_by(col(ReportPhoto.created_at), col(ReportPhoto.position), col(ReportPhoto.id))
        ):
            photos[photo.report_id].append(photo)
    codes = {code for r in reports for code in (r.grid_code, r.community_code) if code}
    names = area_names(session, codes)
    ratings = _reporter_ratings(session, reports)
    return [
        report_public(
            report,
            photos[report.id or 0],
            names,
            photo_url=photo_url,
            callers=callers,
            rating=ratings.get(report.id or 0),
        )
        for report in reports
    ]


def _reporter_ratings(session: Session, reports: Sequence[Report]) -> dict[int, RatingPublic]:
    """Each closed report's rating by its own reporter."""
    rated = {r.id: r.reporter_id for r in reports if r.closed_at is not None and r.id}
    if not rated:
        return {}
    rows = session.exec(select(ReportRating).where(col(ReportRating.report_id).in_(list(rated))))
    return {
        row.report_id: RatingPublic(stars=row.stars, comment=row.comment, created_at=row.created_at)
        for row in rows
        if rated.get(row.report_id) == row.rater_id
    }


def area_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Names of grids and areas by code."""
    if not codes:
        return {}
    rows = session.exec(select(Grid.code, Grid.name).where(col(Grid.code).in_(sorted(codes))))
    return {code: name for code, name in rows}


NEARBY_DECIMALS = 4  # about 11 m


def nearby_reports(
    session: Session,
    *,
    lon: float,
    lat: float,
    category_code: str,
    radius_m: float,
    days: int,
    photo_url: PhotoUrl,
    exclude_id: int | None = None,
) -> list[NearbyReport]:
    """Open reports of the category within radius_m of (lon, lat) in the last `days`, nearest
    first: a bounding box in SQL (on the category's index), the exact distance here."""
    lat_delta = radius_m / METRES_PER_DEGREE_LAT
    lon_delta = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    query = select(Report).where(
        Report.category_code == category_code,
        col(Report.created_at) >= utcnow() - timedelta(days=days),
        col(Report.status).in_(sorted(OPEN_REPORT_STATUSES)),
        col(Report.lat).between(lat - lat_delta, lat + lat_delta),
        col(Report.lon).between(lon - lon_delta, lon + lon_delta),
    )
    if exclude_id is not None:
        query = query.where(Report.id != exclude_id)
    within = [
        (distance, report)
        for report in session.exec(query)
        if (distance := distance_m(lon, lat, report.lon, report.lat)) <= radius_m
    ]
    within.sort(key=lambda pair: (pair[0], pair[1].id or 0))
    within = within[:NEARBY_MAX_ITEMS]
    thumbnails = _first_thumbnails(session, [report.id for _, report in within if report.id])
    return [
        NearbyReport(
            id=report.id,
            category=report.category_code,
            status=report.status,
            # Coarse on purpose: any account may ask, so no exact points of others' reports.
            lat=round(report.lat, NEARBY_DECIMALS),
            lon=round(report.lon, NEARBY_DECIMALS),
            distance_m=round(distance, -1),
            created_at=report.created_at,
            thumbnail_url=photo_url(key) if (key := thumbnails.get(report.id)) else None,
        )
        for distance, report in within
        if report.id is not None
    ]


def _first_thumbnails(session: Session, report_ids: list[int]) -> dict[int, str]:
    if not report_ids:
        return {}
    rows = session.exec(
        select(ReportPhoto.report_id, ReportPhoto.thumbnail_key)
        .where(col(ReportPhoto.report_id).in_(report_ids), ReportPhoto.kind == PhotoKind.BEFORE)
        .order_by(col(ReportPhoto.position).desc(), col(ReportPhoto.id).desc())
    )
    # Last photo first: each report's first photo comes last, and the dict keeps it.
    return {report_id: key for report_id, key in rows}


@dataclass(frozen=True)
class ReportFilter:
    """What a report list is narrowed to; None means "any"."""

    status: ReportStatus | None = None
    area_code: str | None = None
    category_code: str | None = None
    urgent: bool | None = None
    unassigned: bool | None = None


def urgent_first(scope: Scope) -> bool:
    """Whether this scope's queue puts urgent reports on top."""
    return reads_urgent_first(scope.role)


def list_reports(
    session: Session, scope: Scope, filters: ReportFilter, *, cursor: str | None, limit: int
) -> tuple[list[Report], str | None]:
    """One page of the reports the scope may see, and the cursor of the next page (or None)."""
    by_urgency = urgent_first(scope)
    query = select(Report).where(visible_reports(scope), *_filter_conditions(session, filters))
    if cursor is not None:
        query = query.where(_after(decode_cursor(cursor, by_urgency=by_urgency)))
    order: list[UnaryExpression[Any]] = [col(Report.created_at).desc(), col(Report.id).desc()]
    if by_urgency:
        order.insert(0, col(Report.urgent).desc())
    rows = list(session.exec(query.order_by(*order).limit(limit + 1)))
    page, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor(page[-1], by_urgency=by_urgency) if more else None
    return page, next_cursor


def _filter_conditions(session: Session, filters: ReportFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status is not None:
        conditions.append(col(Report.status) == filters.status)
    if filters.category_code is not None:
        conditions.append(col(Report.category_code) == filters.category_code)
    if filters.urgent is not None:
        conditions.append(col(Report.urgent).is_(filters.urgent))
    if filters.unassigned is not None:
        grid = col(Report.grid_code)
        conditions.append(grid.is_(None) if filters.unassigned else grid.is_not(None))
    if filters.area_code is not None:
        area = grid_by_code(session, filters.area_code)
        if area is None:
            raise Unprocessable.for_field("grid", f"no grid or area {filters.area_code!r}")
        # An area's reports include those assigned below it and its unassigned queue.
        conditions.append(under_any(Report.area_path, [area.path]))
    return conditions


@dataclass(frozen=True)
class _Cursor:
    urgent: bool | None
    created_at: datetime
    id: int


def encode_cursor(last: Report, *, by_urgency: bool) -> str:
    """An opaque cursor that continues after `last` in the list's order."""
    position = {"t": last.created_at.isoformat(), "i": last.id}
    if by_urgency:
        position["u"] = last.urgent
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, by_urgency: bool) -> _Cursor:
    """The position in a cursor from encode_cursor; 422 for anything else."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        created_at = datetime.fromisoformat(raw["t"])
        report_id, urgent = raw["i"], raw.get("u")
        valid = (
            created_at.tzinfo is not None
            and year_in_range(created_at.year)
            and isinstance(report_id, int)
            and 0 < report_id <= DB_INT_MAX
            and isinstance(urgent, bool) == by_urgency
        )
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError):
        valid = False
    if not valid:
        raise Unprocessable.for_field("cursor", "not a cursor from this list; start again")
    return _Cursor(urgent=urgent, created_at=created_at, id=report_id)


def _after(cursor: _Cursor) -> ColumnElement[bool]:
    created_at, report_id, urgent = col(Report.created_at), col(Report.id), col(Report.urgent)
    older = or_(
        created_at < cursor.created_at, and_(created_at == cursor.created_at, report_id < cursor.id)
    )
    if cursor.urgent is None:
        return older
    if cursor.urgent:
        return or_(urgent.is_(False), and_(urgent.is_(True), older))
    return and_(urgent.is_(False), older)


def report_timeline(
    session: Session, report: Report, *, viewer: Account
) -> list[ReportEventPublic]:
    """The report's timeline, oldest first, with who did each step."""
    events = list(
        session.exec(
            select(ReportEvent)
            .where(ReportEvent.report_id == report.id)
            .order_by(col(ReportEvent.created_at), col(ReportEvent.id))
        )
    )
    actors = _accounts_by_id(session, {e.actor_id for e in events if e.actor_id is not None})
    return [
        event_public(event, actors.get(event.actor_id) if event.actor_id else None, viewer=viewer)
        for event in events
    ]


def _accounts_by_id(session: Session, account_ids: set[int]) -> dict[int | None, Account]:
    if not account_ids:
        return {}
    accounts = session.exec(select(Account).where(col(Account.id).in_(sorted(account_ids))))
    return {account.id: account for account in accounts}
