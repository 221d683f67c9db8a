"""Reports out: presenting them, nearby look-ups and the timeline (lists: `listing`)."""

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from app.accounts.models import Account
from app.core.clock import utcnow
from app.grids.crs import distance_m
from app.grids.models import Grid
from app.reports.caller_phones import CallerView
from app.reports.models import (
    PhotoKind,
    PhotoRedaction,
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
from app.reports.supporters import supporter_counts

METRES_PER_DEGREE_LAT = 111_320.0
NEARBY_MAX_ITEMS = 20


def present_reports(
    session: Session,
    reports: Sequence[Report],
    *,
    photo_url: PhotoUrl,
    callers: CallerView,
    written_photos: Mapping[int, Sequence[ReportPhoto]] | None = None,
) -> list[ReportPublic]:
    """Reports with their photos, area names, ratings and supporter counts, loaded in one query
    each for the whole batch.

    A report in `written_photos` (by id) is shown with those photo rows instead of reading its
    own: an upload's answer shows the rows its transaction wrote (pending), not what the
    redaction worker may have made of them since the commit.
    """
    ids = [report.id for report in reports if report.id is not None]
    photos: dict[int, list[ReportPhoto]] = defaultdict(list)
    for report_id, rows in (written_photos or {}).items():
        photos[report_id] = list(rows)
    unread = [report_id for report_id in ids if report_id not in photos]
    if unread:
        for photo in session.exec(
            select(ReportPhoto)
            .where(col(ReportPhoto.report_id).in_(unread))
            .order_by(col(ReportPhoto.created_at), col(ReportPhoto.position), col(ReportPhoto.id))
        ):
            photos[photo.report_id].append(photo)
    codes = {code for r in reports for code in (r.grid_code, r.community_code) if code}
    names = area_names(session, codes)
    ratings = _reporter_ratings(session, reports)
    supporters = supporter_counts(session, ids)
    return [
        report_public(
            report,
            photos[report.id or 0],
            names,
            photo_url=photo_url,
            callers=callers,
            rating=ratings.get(report.id or 0),
            supporters=supporters.get(report.id or 0, 0),
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
    category_code: str | None,
    radius_m: float,
    days: int,
    photo_url: PhotoUrl,
    exclude_id: int | None = None,
) -> list[NearbyReport]:
    """Open reports within radius_m of (lon, lat), nearest (then newest) first: of the category
    in the last `days` ("is it this one?"), or of any category and age when it is None (身边事)."""
    conditions = [] if exclude_id is None else [col(Report.id) != exclude_id]
    within = reports_near(
        session,
        lon=lon,
        lat=lat,
        category_code=category_code,
        radius_m=radius_m,
        since=None if category_code is None else utcnow() - timedelta(days=days),
        statuses=OPEN_REPORT_STATUSES,
        conditions=conditions,
    )[:NEARBY_MAX_ITEMS]
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


def reports_near(
    session: Session,
    *,
    lon: float,
    lat: float,
    category_code: str | None,
    radius_m: float,
    since: datetime | None,
    statuses: Collection[ReportStatus],
    conditions: Sequence[ColumnElement[bool]] = (),
) -> list[tuple[float, Report]]:
    """Reports in `statuses` within radius_m of (lon, lat), with their distances, nearest (then
    newest) first: of one category created since `since` (a box on the category's index), or of
    any (None: a box on the map's status-lat-lon index); the exact distance here."""
    lat_delta = radius_m / METRES_PER_DEGREE_LAT
    lon_delta = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    query = select(Report).where(
        col(Report.status).in_(sorted(statuses)),
        col(Report.lat).between(lat - lat_delta, lat + lat_delta),
        col(Report.lon).between(lon - lon_delta, lon + lon_delta),
        *conditions,
    )
    if category_code is not None:
        query = query.where(Report.category_code == category_code)
    if since is not None:
        query = query.where(col(Report.created_at) >= since)
    within = [
        (distance, report)
        for report in session.exec(query)
        if (distance := distance_m(lon, lat, report.lon, report.lat)) <= radius_m
    ]
    # Nearest first to the shown 10 m, then newest: a fresh report is not hidden behind old ones.
    within.sort(key=lambda pair: (round(pair[0], -1), -(pair[1].id or 0)))
    return within


def _first_thumbnails(session: Session, report_ids: list[int]) -> dict[int, str]:
    if not report_ids:
        return {}
    rows = session.exec(
        select(ReportPhoto.report_id, ReportPhoto.thumbnail_key)
        .where(col(ReportPhoto.report_id).in_(report_ids), ReportPhoto.kind == PhotoKind.BEFORE)
        .where(col(ReportPhoto.redaction) == PhotoRedaction.REDACTED)
        .order_by(col(ReportPhoto.position).desc(), col(ReportPhoto.id).desc())
    )
    # Last photo first: each report's first photo comes last, and the dict keeps it.
    return {report_id: key for report_id, key in rows}


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
