"""Verification tasks: who may see and take them, and the first valid check winning."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.core.area_paths import under_any
from app.core.clock import utcnow
from app.core.conditional import update_or_conflict
from app.core.errors import Conflict, NotFound
from app.core.events import publish
from app.core.messages import Message
from app.photos.intake import StoredPhoto
from app.reports.models import PhotoKind, Report, ReportEventKind
from app.reports.service import attach_photos
from app.reports.workflow import record_event
from app.riders.models import RiderProfile, Team
from app.verifications.events import VerificationSubmitted
from app.verifications.models import VerificationStatus, VerificationTask

ALREADY_TAKEN = Message("verifications.already-taken")
VerificationRow = tuple[VerificationTask, Report]


def _team_community(session: Session, profile: RiderProfile) -> str | None:
    if profile.team_id is None:
        return None
    team = session.get(Team, profile.team_id)
    return team.community_code if team else None


def for_rider(
    session: Session, profile: RiderProfile, *, status: VerificationStatus | None, limit: int
) -> list[VerificationRow]:
    """Checks in the community of the rider's team (none for a rider without a team)."""
    community_code = _team_community(session, profile)
    if community_code is None:
        return []
    query = (
        select(VerificationTask, Report)
        .join(Report, col(Report.id) == col(VerificationTask.report_id))
        .where(VerificationTask.community_code == community_code)
        .order_by(col(VerificationTask.id).desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(VerificationTask.status == status)
    return [(task, report) for task, report in session.exec(query)]


def verifications_in_scope(
    session: Session, scope: Scope, *, status: VerificationStatus | None, limit: int
) -> list[VerificationRow]:
    """Checks of reports in the area manager's areas, newest first."""
    query = (
        select(VerificationTask, Report)
        .join(Report, col(Report.id) == col(VerificationTask.report_id))
        .order_by(col(VerificationTask.id).desc())
        .limit(limit)
    )
    if scope.area_paths is not None:
        query = query.where(under_any(VerificationTask.area_path, scope.area_paths))
    if status is not None:
        query = query.where(VerificationTask.status == status)
    return [(task, report) for task, report in session.exec(query)]


def open_for_rider(
    session: Session, profile: RiderProfile, verification_id: int
) -> VerificationTask:
    """A check the rider may take: 404 outside their team's community, 409 once taken."""
    verification = session.get(VerificationTask, verification_id)
    community_code = _team_community(session, profile)
    if verification is None or verification.community_code != community_code:
        raise NotFound(Message("verifications.no-task", verification_id=verification_id))
    if verification.status is not VerificationStatus.OPEN:
        raise Conflict(
            ALREADY_TAKEN
            if verification.status is VerificationStatus.SUBMITTED
            else Message("verifications.ended")
        )
    return verification


def submit(
    session: Session,
    profile: RiderProfile,
    verification_id: int,
    photos: Sequence[StoredPhoto],
    *,
    note: str | None,
) -> VerificationTask:
    """The rider's check: the first valid one takes the task, is attached to the case as
    "check" photos with a timeline entry, and earns the points; later ones get 409. Flushes."""
    rider_id = profile.account_id
    verification = open_for_rider(session, profile, verification_id)
    now = utcnow()
    # Conditional on open: of riders racing for the same check, exactly one takes it.
    update_or_conflict(
        session,
        VerificationTask,
        verification,
        expected={"status": VerificationStatus.OPEN},
        values={
            "status": VerificationStatus.SUBMITTED,
            "submitted_by_id": rider_id,
            "submitted_at": now,
            "note": note,
        },
        conflict=lambda: Conflict(ALREADY_TAKEN),
    )
    report = session.get(Report, verification.report_id)
    assert report is not None
    assert report.id is not None
    attach_photos(session, report.id, photos, kind=PhotoKind.CHECK, uploaded_by_id=rider_id)
    record_event(
        session,
        report,
        ReportEventKind.VERIFICATION_SUBMITTED,
        actor_id=rider_id,
        note=note or "骑手已现场核查并拍照",
    )
    publish(session, VerificationSubmitted(verification_id, report.id, rider_id))
    return verification
