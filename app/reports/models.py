"""Reports (随手拍), their photos, their timeline and the ratings of closed cases."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, partial_index_where, time_field
from app.grids.crs import CoordinateSystem
from app.reports.states import ReportStatus


class Channel(StrEnum):
    APP = "app"
    PHONE = "phone"
    WECHAT = "wechat"
    MESSAGE = "message"
    API = "api"


class LocationSource(StrEnum):
    """Where a report's point came from."""

    CLIENT = "client"  # the point sent
    EXIF = "exif"  # the first photo's GPS


class ReportEventKind(StrEnum):
    """What a timeline entry records."""

    SUBMITTED = "submitted"
    STATUS_CHANGED = "status_changed"
    TASK_DISPATCHED = "task_dispatched"
    TASK_ACCEPTED = "task_accepted"
    TASK_RETURNED = "task_returned"
    TASK_COMPLETED = "task_completed"
    TASK_REOPENED = "task_reopened"
    TASK_OVERDUE = "task_overdue"
    TASK_ESCALATED = "task_escalated"
    VERIFICATION_SUBMITTED = "verification_submitted"
    PHOTO_REGION_ADDED = "photo_region_added"  # a coordinator's own box (manual_regions)


# Channels a coordinator records on a caller's behalf: no photo needed, the caller is named.
RECORDED_CHANNELS = frozenset({Channel.PHONE, Channel.WECHAT, Channel.MESSAGE})


class Report(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("reporter_id", "client_id"),
        Index("ix_report_area_status_created", "area_path", "status", "created_at", "id"),
        Index("ix_report_reporter_created", "reporter_id", "created_at", "id"),
        Index("ix_report_category_created", "category_code", "created_at"),
        # The Open311 feed's date window, newest first (and any list of everything by time).
        Index("ix_report_created", "created_at", "id"),
        # Area managers' lists: urgent first, newest first, read in index order; area_path last
        # so that an area's filter is checked in the index before any row is read.
        Index("ix_report_urgent_created", "urgent", "created_at", "id"),
        Index(
            "ix_report_status_urgent_created", "status", "urgent", "created_at", "id", "area_path"
        ),
        # The map's viewport (app/maps): a status's reports in a band of latitudes, filtered by
        # longitude, area and the map's filters in the index: counts and clusters read no row.
        Index(
            "ix_report_status_lat_lon",
            "status",
            "lat",
            "lon",
            "area_path",
            "category_code",
            "urgent",
        ),
        # The unassigned queue (no grid) in the same order, with or without a status: partial, so
        # small (and no index on grid_code alone, which SQLite would rather read and then sort).
        Index(
            "ix_report_unassigned_urgent_created",
            "urgent",
            "created_at",
            "id",
            "area_path",
            **partial_index_where("grid_code IS NULL"),
        ),
        Index(
            "ix_report_unassigned_status_urgent_created",
            "status",
            "urgent",
            "created_at",
            "id",
            "area_path",
            **partial_index_where("grid_code IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="account.id")
    client_id: str = Field(max_length=36)
    # SHA-256 of the submitted fields and photos: a replay with other content is a 409.
    fingerprint: str = Field(max_length=64)
    category_code: str = Field(foreign_key="category.code", max_length=8)
    description: str = Field(default="", sa_type=Text)
    lat: float
    lon: float
    accuracy_m: float | None = None
    submitted_crs: CoordinateSystem = enum_field(CoordinateSystem, default=CoordinateSystem.WGS84)
    location_source: LocationSource = enum_field(
        LocationSource, default=LocationSource.CLIENT, length=16
    )
    urgent: bool = Field(default=False)
    channel: Channel = enum_field(Channel, default=Channel.APP)
    caller_name: str | None = Field(default=None, max_length=50)
    caller_phone: str | None = Field(default=None, max_length=20)
    status: ReportStatus = enum_field(ReportStatus, default=ReportStatus.SUBMITTED, index=True)
    # Where the report was assigned when it arrived; grids may be re-divided later.
    grid_code: str | None = Field(default=None, foreign_key="grid.code", max_length=32)
    community_code: str | None = Field(default=None, foreign_key="grid.code", max_length=32)
    area_path: str | None = Field(default=None, max_length=200)
    duplicate_of_id: int | None = Field(default=None, foreign_key="report.id", index=True)
    rejection_reason: str | None = Field(default=None, max_length=500)
    rework_count: int = Field(default=0)
    created_at: datetime = time_field(default_factory=utcnow)
    updated_at: datetime = time_field(default_factory=utcnow)
    accepted_at: datetime | None = time_field(default=None, nullable=True)
    dispatched_at: datetime | None = time_field(default=None, nullable=True)
    resolved_at: datetime | None = time_field(default=None, nullable=True)
    closed_at: datetime | None = time_field(default=None, nullable=True)


class PhotoKind(StrEnum):
    BEFORE = "before"  # sent with the report
    AFTER = "after"  # sent by a handling unit with its result
    CHECK = "check"  # taken by a rider on a verification task


class PhotoRedaction(StrEnum):
    """Whether a photo's stored copies have had faces and plates pixelated."""

    REDACTED = "redacted"  # served
    PENDING = "pending"  # stored by an upload, waiting for the redaction worker: never served
    NEEDS_CHECK = "needs_check"  # a detector failed: never served until redaction succeeds
    UNCHECKED = "unchecked"  # stored before redaction existed: never served until redacted


class ReportPhoto(SQLModel, table=True):
    """One photo of a report; the files are content-addressed in the photo store. Only a
    redacted photo's files are ever served."""

    __tablename__ = "report_photo"
    # The redaction job's look-up of photos still to redact (few, once it has caught up).
    __table_args__ = (
        Index("ix_report_photo_to_redact", "id", **partial_index_where("redaction != 'redacted'")),
        # The retention job's look-up of originals past their time, oldest first.
        Index(
            "ix_report_photo_sealed",
            "created_at",
            "id",
            **partial_index_where("original_key IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    task_id: int | None = Field(default=None, index=True)
    kind: PhotoKind = enum_field(PhotoKind, default=PhotoKind.BEFORE)
    position: int = 0
    display_key: str = Field(max_length=64, index=True)
    thumbnail_key: str = Field(max_length=64, index=True)
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    redaction: PhotoRedaction = enum_field(PhotoRedaction, default=PhotoRedaction.NEEDS_CHECK)
    # Every region pixelated, in the display copy's pixels: {kind, score, box: [l, t, r, b]}.
    redacted_regions: list[dict[str, object]] = Field(default_factory=list, sa_type=JSON)
    redaction_failure: str | None = Field(default=None, max_length=200)
    # The sealed unredacted copy (app/photos/sealing.py), until the retention job deletes it.
    original_key: str | None = Field(default=None, max_length=64, index=True)
    # The picture's perceptual hash, made once at intake (app/photos/perceptual.py); none on
    # photos stored before hashing existed.
    phash: str | None = Field(default=None, max_length=16)
    uploaded_by_id: int = Field(foreign_key="account.id")
    created_at: datetime = time_field(default_factory=utcnow)

    @property
    def is_served(self) -> bool:
        """Whether its files may be served: only once redacted."""
        return self.redaction == PhotoRedaction.REDACTED


class ReportEvent(SQLModel, table=True):
    """One entry of a report's timeline: a status change or another step, never edited."""

    __tablename__ = "report_event"
    __table_args__ = (Index("ix_report_event_report_created", "report_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    kind: ReportEventKind = enum_field(ReportEventKind, length=32)
    from_status: ReportStatus | None = enum_field(ReportStatus, default=None)
    to_status: ReportStatus | None = enum_field(ReportStatus, default=None)
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    task_id: int | None = Field(default=None)
    note: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = time_field(default_factory=utcnow)


class ReportRating(SQLModel, table=True):
    """A reporter's verdict on a closed case: 1-5 stars and a comment, once per reporter."""

    __tablename__ = "report_rating"
    __table_args__ = (UniqueConstraint("report_id", "rater_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    rater_id: int = Field(foreign_key="account.id")
    stars: int
    comment: str = Field(default="", max_length=500)
    created_at: datetime = time_field(default_factory=utcnow)


class ReportSupporter(SQLModel, table=True):
    """A rider who said "me too" (我也遇到) of someone else's open report, once; they follow
    the case from then on as its reporter does."""

    __tablename__ = "report_supporter"

    report_id: int = Field(foreign_key="report.id", primary_key=True)
    # Indexed for "the reports I support" (what a rider may read).
    rider_id: int = Field(foreign_key="account.id", primary_key=True, index=True)
    created_at: datetime = time_field(default_factory=utcnow)


class PhotoReveal(SQLModel, table=True):
    """One look at a redacted region of a photo's sealed original: who, when, which region and
    why. Written before the region is sent; never edited."""

    __tablename__ = "photo_reveal"
    __table_args__ = (Index("ix_photo_reveal_report_revealed", "report_id", "revealed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    photo_id: int = Field(foreign_key="report_photo.id")
    region: int
    box: list[int] = Field(sa_type=JSON)
    reason: str = Field(max_length=500)
    viewer_id: int = Field(foreign_key="account.id", index=True)
    revealed_at: datetime = time_field(default_factory=utcnow)


class CallerPhoneView(SQLModel, table=True):
    """One look at a recorded report's unmasked caller phone: who, when, which report."""

    __tablename__ = "caller_phone_view"
    __table_args__ = (Index("ix_caller_phone_view_report_viewed", "report_id", "viewed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    viewer_id: int = Field(foreign_key="account.id", index=True)
    viewed_at: datetime = time_field(default_factory=utcnow)
