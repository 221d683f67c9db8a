"""Reports: checking a submission, placing it, storing it, and reading reports back."""

import base64
import binascii
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, and_, or_
from sqlmodel import Session, col, select

from app.accounts.models import Account, Role
from app.accounts.scope import Scope
from app.cases.models import ReportRating
from app.categories.models import Category
from app.categories.standard import EMERGENCY_GROUP_CODE
from app.core.clock import utcnow
from app.core.errors import Conflict, Forbidden, Unprocessable
from app.core.events import publish
from app.grids.crs import CoordinateSystem, check_wgs84_range, distance_m, to_wgs84
from app.grids.locator import GridSnapshot, Location, locate_point
from app.grids.models import Grid
from app.grids.service import grid_by_code, under_any
from app.photos.pipeline import ProcessedPhoto
from app.reports.access import visible_reports
from app.reports.events import ReportCreated
from app.reports.ingest import StoredPhoto
from app.reports.models import (
    RECORDED_CHANNELS,
    Channel,
    PhotoKind,
    Report,
    ReportEvent,
    ReportPhoto,
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
from app.reports.workflow import record_event

SUBMITTING_ROLES = frozenset({Role.RIDER, Role.COORDINATOR, Role.ADMIN})
STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
METRES_PER_DEGREE_LAT = 111_320.0
NEARBY_MAX_ITEMS = 20


@dataclass(frozen=True)
class SubmittedPoint:
    """A point as the client sent it, in its coordinate system."""

    lat: float
    lon: float
    crs: CoordinateSystem


@dataclass(frozen=True)
class ReportDraft:
    """What a submission says, before anything is stored."""

    client_id: str
    category_code: str
    description: str
    point: SubmittedPoint | None
    accuracy_m: float | None
    urgent: bool
    channel: Channel
    caller_name: str | None
    caller_phone: str | None
    photos: tuple[bytes, ...]

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 over the fields and the photos' SHA-256s: a replay must match it exactly."""
        point = None if self.point is None else [self.point.lat, self.point.lon, self.point.crs]
        fields = {
            "category": self.category_code,
            "description": self.description,
            "point": point,
            "accuracy_m": self.accuracy_m,
            "urgent": self.urgent,
            "channel": self.channel,
            "caller": [self.caller_name, self.caller_phone],
            "photos": [hashlib.sha256(photo).hexdigest() for photo in self.photos],
        }
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class PlacedPoint:
    """A report's WGS-84 point, where it came from and where it falls."""

    lon: float
    lat: float
    source: str  # client | exif
    submitted_crs: CoordinateSystem
    location: Location


def submitted_point(
    lat: float | None, lon: float | None, crs: CoordinateSystem
) -> SubmittedPoint | None:
    """The point sent, or None when neither coordinate was; 422 when only one was."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        field = "lon" if lon is None else "lat"
        raise Unprocessable.for_field(field, "send lat and lon together")
    return SubmittedPoint(lat=lat, lon=lon, crs=crs)


def is_staff(account: Account) -> bool:
    """Coordinators and admins: they see callers' details and urgent-first queues."""
    return account.role in STAFF_ROLES


def check_submitter(account: Account, channel: Channel) -> None:
    """Who may send on which channel: riders use the app; staff may also record calls."""
    if account.role not in SUBMITTING_ROLES:
        raise Forbidden("Handling units do not submit reports.")
    if channel is Channel.API:
        raise Forbidden("The api channel is for integrations that send an API key.")
    if channel in RECORDED_CHANNELS and account.role not in STAFF_ROLES:
        raise Forbidden("Only coordinators record phone, WeChat and message reports.")


def check_draft(draft: ReportDraft) -> None:
    """An app report has photos; a recorded one names its caller instead."""
    recorded = draft.channel in RECORDED_CHANNELS
    if recorded and not draft.caller_name:
        raise Unprocessable.for_field("caller_name", "name the caller of a recorded report")
    if not recorded and (draft.caller_name or draft.caller_phone):
        raise Unprocessable.for_field(
            "caller_name", "only phone, wechat and message reports have a caller"
        )
    if not recorded and not draft.photos:
        raise Unprocessable.for_field("photo", "send at least one photo")


def find_replay(session: Session, reporter_id: int, draft: ReportDraft) -> Report | None:
    """The report this account already made with the draft's client_id, if any.

    A replay with the same content gets that report back; one with other content is a 409.
    """
    existing = session.exec(
        select(Report).where(Report.reporter_id == reporter_id, Report.client_id == draft.client_id)
    ).first()
    if existing is not None and existing.fingerprint != draft.fingerprint:
        raise Conflict(
            f"client_id {draft.client_id} was already used for a different report; "
            "use a new client_id for a new report."
        )
    return existing


def submittable_category(session: Session, code: str) -> Category:
    """The active category with this code; 422 otherwise."""
    category = session.get(Category, code)
    if category is None or not category.active:
        raise Unprocessable.for_field("category", f"no active category {code!r}")
    return category


def is_urgent(draft: ReportDraft, category: Category) -> bool:
    """Urgent when the reporter says so or the category is an emergency."""
    return draft.urgent or category.urgent or category.group == EMERGENCY_GROUP_CODE


def place_report(
    draft: ReportDraft,
    photos: Sequence[ProcessedPhoto],
    snapshot: GridSnapshot,
    *,
    unassigned_max_distance_m: float,
) -> PlacedPoint:
    """The point sent (converted to WGS-84), else the first photo's GPS; and its grid."""
    if draft.point is not None:
        lon, lat = to_wgs84(draft.point.lon, draft.point.lat, draft.point.crs)
        source, crs = "client", draft.point.crs
    elif photos and photos[0].gps is not None:
        (lon, lat), source, crs = photos[0].gps, "exif", CoordinateSystem.WGS84
    else:
        raise Unprocessable.for_field("lat", "send lat/lon or a photo with GPS")
    try:
        check_wgs84_range(lon, lat)
    except ValueError as exc:
        raise Unprocessable.for_field("lat", str(exc)) from None
    location = locate_point(snapshot, lon, lat, unassigned_max_distance_m)
    return PlacedPoint(lon=lon, lat=lat, source=source, submitted_crs=crs, location=location)


def check_recording_scope(scope: Scope, place: PlacedPoint) -> None:
    """A coordinator records reports only for points in the areas they own."""
    if not scope.covers(place.location.area_path):
        raise Forbidden(
            "This point lies outside your areas; a coordinator of that area must record it."
        )


def create_report(
    session: Session,
    *,
    reporter_id: int,
    draft: ReportDraft,
    urgent: bool,
    place: PlacedPoint,
    photos: Sequence[StoredPhoto],
) -> Report:
    """Insert the report, its photos and its first timeline entry, and announce it (flushes).

    A concurrent twin with the same client_id makes the insert fail on the unique constraint
    (reporter_id, client_id): the caller rolls back and answers with the twin.
    """
    recorded = draft.channel in RECORDED_CHANNELS
    report = Report(
        reporter_id=reporter_id,
        client_id=draft.client_id,
        fingerprint=draft.fingerprint,
        category_code=draft.category_code,
        description=draft.description,
        lat=place.lat,
        lon=place.lon,
        accuracy_m=draft.accuracy_m,
        submitted_crs=place.submitted_crs,
        location_source=place.source,
        urgent=urgent,
        channel=draft.channel,
        caller_name=draft.caller_name if recorded else None,
        caller_phone=draft.caller_phone if recorded else None,
        grid_code=place.location.grid_code,
        community_code=place.location.community_code,
        area_path=place.location.area_path,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    # No flush of its own: the timeline entry's flush below writes the photo rows with it.
    session.add_all(
        _photo_rows(
            report.id,
            photos,
            kind=PhotoKind.BEFORE,
            uploaded_by_id=reporter_id,
            task_id=None,
            created_at=report.created_at,
        )
    )
    record_event(
        session, report, "submitted", actor_id=reporter_id, to_status=ReportStatus.SUBMITTED
    )
    publish(session, ReportCreated(report))
    return report


def attach_photos(
    session: Session,
    report_id: int,
    photos: Sequence[StoredPhoto],
    *,
    kind: PhotoKind,
    uploaded_by_id: int,
    task_id: int | None = None,
    created_at: datetime | None = None,
) -> None:
    """Add stored photos to a report, in the order given (flushes)."""
    session.add_all(
        _photo_rows(
            report_id,
            photos,
            kind=kind,
            uploaded_by_id=uploaded_by_id,
            task_id=task_id,
            created_at=created_at or utcnow(),
        )
    )
    session.flush()


def _photo_rows(
    report_id: int,
    photos: Sequence[StoredPhoto],
    *,
    kind: PhotoKind,
    uploaded_by_id: int,
    task_id: int | None,
    created_at: datetime,
) -> list[ReportPhoto]:
    return [
        ReportPhoto(
            report_id=report_id,
            task_id=task_id,
            kind=kind,
            position=position,
            display_key=photo.display_key,
            thumbnail_key=photo.thumbnail_key,
            width=photo.width,
            height=photo.height,
            thumbnail_width=photo.thumbnail_width,
            thumbnail_height=photo.thumbnail_height,
            uploaded_by_id=uploaded_by_id,
            created_at=created_at,
        )
        for position, photo in enumerate(photos)
    ]


def present_reports(
    session: Session, reports: Sequence[Report], *, photo_url: PhotoUrl, for_staff: bool
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
            for_staff=for_staff,
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
    """Staff queues put urgent reports on top; riders see their reports newest first."""
    return scope.role in STAFF_ROLES


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
            and isinstance(report_id, int)
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
