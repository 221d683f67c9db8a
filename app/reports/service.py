"""Reports in: checking a submission, placing it and storing it (reading.py reads them back)."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlmodel import Session, select

from app.accounts.models import Account
from app.accounts.scope import Scope
from app.categories.models import Category
from app.categories.standard import EMERGENCY_GROUP_CODE
from app.core.clock import utcnow
from app.core.errors import ClientIdReused, Forbidden, Unprocessable
from app.core.events import publish
from app.core.messages import Message, MessageError
from app.grids.crs import CoordinateSystem, check_wgs84_range, to_wgs84
from app.grids.locator import GridSnapshot, Location, locate_point
from app.photos.intake import StoredPhoto
from app.photos.pipeline import ProcessedPhoto
from app.reports.access import RECORDERS, SUBMITTERS
from app.reports.events import ReportCreated
from app.reports.live_feed import wake_live_feeds
from app.reports.models import (
    RECORDED_CHANNELS,
    Channel,
    LocationSource,
    PhotoKind,
    Report,
    ReportEventKind,
    ReportPhoto,
)
from app.reports.photo_redaction import stored_photo_columns
from app.reports.states import ReportStatus
from app.reports.workflow import record_event


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
    source: LocationSource
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
        raise Unprocessable.for_field(field, Message("reports.lat-lon-together"))
    return SubmittedPoint(lat=lat, lon=lon, crs=crs)


def channel_of(account: Account, requested: Channel) -> Channel:
    """The channel a submission is recorded under: an integration's reports are always `api`."""
    if account.is_integration:
        return Channel.API
    if requested is Channel.API:
        raise Forbidden(Message("reports.api-channel"))
    return requested


def check_submitter(account: Account, channel: Channel) -> None:
    """Who may send on which channel: riders use the app; area managers may also record calls."""
    SUBMITTERS.check(account.role)
    if channel in RECORDED_CHANNELS:
        RECORDERS.check(account.role)


def check_draft(draft: ReportDraft) -> None:
    """An app report has photos; a recorded one names its caller instead; an integration's
    report may do either (Open311 requests need no photo and may carry contact details)."""
    recorded = draft.channel in RECORDED_CHANNELS
    if recorded and not draft.caller_name:
        raise Unprocessable.for_field("caller_name", Message("reports.caller-needed"))
    if draft.channel is Channel.APP and (draft.caller_name or draft.caller_phone):
        raise Unprocessable.for_field("caller_name", Message("reports.no-caller-on-app"))
    if draft.channel is Channel.APP and not draft.photos:
        raise Unprocessable.for_field("photo", Message("reports.photo-needed"))


def find_replay(session: Session, reporter_id: int, draft: ReportDraft) -> Report | None:
    """The report this account already made with the draft's client_id, if any.

    A replay with the same content gets that report back; one with other content is a 409.
    """
    existing = session.exec(
        select(Report).where(Report.reporter_id == reporter_id, Report.client_id == draft.client_id)
    ).first()
    if existing is not None and existing.fingerprint != draft.fingerprint:
        raise ClientIdReused(Message("reports.client-id-reused", client_id=str(draft.client_id)))
    return existing


def submittable_category(session: Session, code: str) -> Category:
    """The active category with this code; 422 otherwise."""
    category = session.get(Category, code)
    if category is None or not category.active:
        raise Unprocessable.for_field("category", Message("reports.no-category", code=code))
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
        source, crs = LocationSource.CLIENT, draft.point.crs
    elif photos and photos[0].gps is not None:
        (lon, lat), source, crs = photos[0].gps, LocationSource.EXIF, CoordinateSystem.WGS84
    else:
        raise Unprocessable.for_field("lat", Message("reports.no-location"))
    try:
        check_wgs84_range(lon, lat)
    except MessageError as exc:
        raise Unprocessable.for_field("lat", exc.message) from None
    location = locate_point(snapshot, lon, lat, unassigned_max_distance_m)
    if location.grid_code is None and location.community_code is None:
        # In no grid and farther than the setting from every community: nobody answers for it.
        raise Unprocessable.for_field(
            "lat",
            Message("reports.outside-service-area", distance_m=f"{unassigned_max_distance_m:g}"),
        )
    return PlacedPoint(lon=lon, lat=lat, source=source, submitted_crs=crs, location=location)


def check_recording_scope(scope: Scope, place: PlacedPoint) -> None:
    """A coordinator records reports only for points in the areas they own."""
    if not scope.covers(place.location.area_path):
        raise Forbidden(Message("reports.point-outside-your-areas"))


def create_report(
    session: Session,
    *,
    reporter_id: int,
    draft: ReportDraft,
    urgent: bool,
    place: PlacedPoint,
    photos: Sequence[StoredPhoto],
) -> tuple[Report, list[ReportPhoto]]:
    """Insert the report, its photos and its first timeline entry, and announce it (flushes);
    the report and its photo rows as written (the upload's answer shows these, not a read-back).

    A concurrent twin with the same client_id makes the insert fail on the unique constraint
    (reporter_id, client_id): the caller rolls back and answers with the twin.
    """
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
        caller_name=draft.caller_name,  # check_draft keeps app reports free of callers
        caller_phone=draft.caller_phone,
        grid_code=place.location.grid_code,
        community_code=place.location.community_code,
        area_path=place.location.area_path,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    photo_rows = _photo_rows(
        report.id,
        photos,
        kind=PhotoKind.BEFORE,
        uploaded_by_id=reporter_id,
        task_id=None,
        created_at=report.created_at,
    )
    # No flush of its own: the timeline entry's flush below writes the photo rows with it.
    session.add_all(photo_rows)
    record_event(
        session,
        report,
        ReportEventKind.SUBMITTED,
        actor_id=reporter_id,
        to_status=ReportStatus.SUBMITTED,
    )
    publish(session, ReportCreated(report))
    wake_live_feeds(session)
    return report, photo_rows


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
            **stored_photo_columns(photo),
            uploaded_by_id=uploaded_by_id,
            created_at=created_at,
        )
        for position, photo in enumerate(photos)
    ]
