"""The JSON shapes of reports, their photos, neighbours and timeline, and how rows become them."""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.accounts.access import AREA_MANAGERS, RIDERS
from app.accounts.models import Account, Role
from app.reports.caller_phones import CallerView, shown_phone
from app.reports.models import (
    Channel,
    LocationSource,
    PhotoKind,
    PhotoRedaction,
    Report,
    ReportEvent,
    ReportEventKind,
    ReportPhoto,
)
from app.reports.states import ReportStatus

# Turns a stored file's key into the signed URL that serves it.
PhotoUrl = Callable[[str], str]


class AreaRef(BaseModel):
    code: str
    name: str


class RevealRequest(BaseModel):
    region: int = Field(ge=0, description="which of the photo's redacted regions, from 0")
    reason: str = Field(
        min_length=4, max_length=500, description="why it must be seen; kept in the audit"
    )


class RegionAdd(BaseModel):
    box: tuple[int, int, int, int] = Field(
        description="left, top, right, bottom in the display copy's pixels (as `width` and "
        "`height` measure it); at least 8 px each way"
    )


class RegionPublic(BaseModel):
    kind: Literal["face", "plate", "manual"] = Field(
        description="what a detector found, or manual: a coordinator's box"
    )
    box: tuple[int, int, int, int] = Field(
        description="left, top, right, bottom in the display copy's pixels"
    )


class PhotoPublic(BaseModel):
    id: int
    ready: bool = Field(description="redacted and served; false: no URLs (yet)")
    redaction: PhotoRedaction = Field(
        description="redacted; needs_check: a detector failed, unserved until redacted; "
        "unchecked: stored before redaction, waiting for the redaction job"
    )
    redacted_regions: int = Field(description="faces and number plates pixelated")
    regions: list[RegionPublic] = Field(
        description="where they are, in the order a reveal names them (empty until ready)"
    )
    url: str | None = Field(description="the upright display copy (at most 1600 px), signed")
    thumbnail_url: str | None = Field(description="the thumbnail (at most 320 px), signed")
    width: int = Field(description="of the display copy, px")
    height: int = Field(description="of the display copy, px")
    kind: PhotoKind


class RatingPublic(BaseModel):
    stars: int
    comment: str
    created_at: datetime


class ReportPublic(BaseModel):
    id: int
    status: ReportStatus
    category: str = Field(description="category code")
    description: str
    lat: float = Field(description="WGS-84")
    lon: float = Field(description="WGS-84")
    accuracy_m: float | None
    location_source: LocationSource = Field(
        description="client (the point sent) or exif (the photo's GPS)"
    )
    grid: AreaRef | None = Field(description="the grid the point fell in when it arrived")
    community: AreaRef | None = Field(
        description="the grid's community, or for a point in no grid the nearest community "
        "within the configured distance (its unassigned queue); null when none is near"
    )
    urgent: bool
    channel: Channel
    caller_name: str | None = Field(description="recorded channels; shown to area managers only")
    caller_phone: str | None = Field(
        description="recorded channels; area managers see it masked (138****1234), an admin "
        "whole on one report's page (every such view is audited)"
    )
    duplicate_of: int | None
    supporters: int = Field(
        description='riders who said "me too" (我也遇到), the reporter not counted'
    )
    rejection_reason: str | None
    photos: list[PhotoPublic]
    rating: RatingPublic | None = Field(description="the reporter's rating once closed")
    created_at: datetime
    updated_at: datetime
    accepted_at: datetime | None
    dispatched_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None = Field(description="a reopen is possible for 7 days after")


class SupporterCount(BaseModel):
    supporters: int = Field(description="riders who said “me too”, the reporter not counted")


class NearbyReport(BaseModel):
    id: int
    category: str
    status: ReportStatus
    lat: float
    lon: float
    distance_m: float
    created_at: datetime
    thumbnail_url: str | None


class SubmittedReport(ReportPublic):
    nearby: list[NearbyReport] = Field(
        description="open reports of the same category close by, other than this one"
    )


class ReportPage(BaseModel):
    items: list[ReportPublic]
    next_cursor: str | None


class NearbyList(BaseModel):
    items: list[NearbyReport]


class LikelyDuplicatePublic(BaseModel):
    report: ReportPublic
    distance_m: float
    photo_distance: int | None = Field(
        description="bits of 64 that differ between the closest pair of the two reports' "
        "photos' perceptual hashes (0-10: the same scene); null when either has none"
    )


class LikelyDuplicateList(BaseModel):
    items: list[LikelyDuplicatePublic] = Field(description="most alike first")


class ActorRef(BaseModel):
    id: int | None = Field(description="null when the caller may not know who it was")
    role: Role
    name: str | None
    integration: bool = Field(
        default=False, description="the step came from an integration; `name` is its key's name"
    )


class ReportEventPublic(BaseModel):
    id: int
    kind: ReportEventKind
    from_status: ReportStatus | None
    to_status: ReportStatus | None
    actor: ActorRef | None
    task_id: int | None
    note: str | None
    created_at: datetime


class ReportEventList(BaseModel):
    items: list[ReportEventPublic]


def photo_public(photo: ReportPhoto, photo_url: PhotoUrl) -> PhotoPublic:
    """One photo as any reader of its report sees it: links and regions only once redacted."""
    ready = photo.is_served
    return PhotoPublic(
        id=photo.id or 0,
        ready=ready,
        redaction=photo.redaction,
        redacted_regions=len(photo.redacted_regions),
        regions=[
            RegionPublic.model_validate({"kind": region["kind"], "box": region["box"]})
            for region in photo.redacted_regions
        ]
        if ready
        else [],
        url=photo_url(photo.display_key) if ready else None,
        thumbnail_url=photo_url(photo.thumbnail_key) if ready else None,
        width=photo.width,
        height=photo.height,
        kind=photo.kind,
    )


def report_public(
    report: Report,
    photos: Sequence[ReportPhoto],
    area_names: Mapping[str, str],
    *,
    photo_url: PhotoUrl,
    callers: CallerView,
    rating: RatingPublic | None = None,
    supporters: int = 0,
) -> ReportPublic:
    """The report as the caller sees it, with as much of a recorded caller as `callers` shows."""
    assert report.id is not None
    return ReportPublic(
        id=report.id,
        status=report.status,
        category=report.category_code,
        description=report.description,
        lat=report.lat,
        lon=report.lon,
        accuracy_m=report.accuracy_m,
        location_source=report.location_source,
        grid=_area(report.grid_code, area_names),
        community=_area(report.community_code, area_names),
        urgent=report.urgent,
        channel=report.channel,
        caller_name=report.caller_name if callers is not CallerView.HIDDEN else None,
        caller_phone=shown_phone(report.caller_phone, callers),
        duplicate_of=report.duplicate_of_id,
        supporters=supporters,
        rejection_reason=report.rejection_reason,
        photos=[photo_public(photo, photo_url) for photo in photos],
        rating=rating,
        created_at=report.created_at,
        updated_at=report.updated_at,
        accepted_at=report.accepted_at,
        dispatched_at=report.dispatched_at,
        resolved_at=report.resolved_at,
        closed_at=report.closed_at,
    )


def event_public(
    event: ReportEvent, actor: Account | None, *, viewer: Account
) -> ReportEventPublic:
    """A timeline entry; riders see other riders' steps without their names."""
    assert event.id is not None
    return ReportEventPublic(
        id=event.id,
        kind=event.kind,
        from_status=event.from_status,
        to_status=event.to_status,
        actor=_actor(actor, viewer) if actor is not None else None,
        task_id=event.task_id,
        note=event.note,
        created_at=event.created_at,
    )


def _actor(actor: Account, viewer: Account) -> ActorRef:
    # Area managers see everyone; anyone else sees area managers and units by name but another
    # rider anonymously (a rider whose report was merged into someone else's case reads that
    # case's timeline).
    named = AREA_MANAGERS.admits(viewer.role) or not RIDERS.admits(actor.role)
    if named or actor.id == viewer.id:
        return ActorRef(
            id=actor.id,
            role=actor.role,
            name=actor.display_name,
            integration=actor.is_integration,
        )
    return ActorRef(id=None, role=actor.role, name=None)


def _area(code: str | None, names: Mapping[str, str]) -> AreaRef | None:
    return AreaRef(code=code, name=names.get(code, code)) if code else None
