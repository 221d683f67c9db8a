"""Offer a verification task when a unit completes one; withdraw it once the coordinator decided."""

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.cases.events import TaskStatusChanged
from app.cases.states import TaskStatus
from app.categories.models import Category
from app.core.clock import utcnow
from app.core.events import subscribe
from app.notifications.messages import verification_offered_message
from app.notifications.service import notify
from app.reports.events import ReportStatusChanged
from app.reports.models import Report
from app.reports.states import ReportStatus
from app.verifications.models import VerificationOffer, VerificationStatus, VerificationTask
from app.verifications.nearest import nearest_riders


@subscribe(TaskStatusChanged)
def offer_verification(session: Session, event: TaskStatusChanged) -> None:
    """A completed task becomes an open check, offered to the riders nearest the case (none
    near: no check; the coordinator verifies alone). The case's reporter is not asked."""
    report, task = event.report, event.task
    if event.to_status is not TaskStatus.COMPLETED or report.community_code is None:
        return
    assert report.id is not None
    assert task.id is not None
    offered = session.exec(
        select(VerificationTask.id).where(
            VerificationTask.task_id == task.id, VerificationTask.round == task.rework_count
        )
    ).first()
    if offered is not None:
        return
    riders = nearest_riders(
        session, lon=report.lon, lat=report.lat, exclude_account_id=report.reporter_id
    )
    if not riders:
        return
    verification = VerificationTask(
        report_id=report.id,
        task_id=task.id,
        round=task.rework_count,
        community_code=report.community_code,
        area_path=report.area_path,
    )
    session.add(verification)
    session.flush()
    assert verification.id is not None
    session.add_all(
        VerificationOffer(verification_id=verification.id, rider_id=rider_id) for rider_id in riders
    )
    session.flush()
    _tell_riders_offered(session, verification, report, riders)


def _tell_riders_offered(
    session: Session, verification: VerificationTask, report: Report, riders: list[int]
) -> None:
    """The riders offered the check hear that there is one near them (its reporter, never
    offered it, hears of the same step as a follower already: "being verified")."""
    assert report.id is not None
    category = session.get_one(Category, report.category_code)
    message = verification_offered_message(report.id, category.name_zh, category.name_en)
    key = f"verification:{verification.id}"
    notify(session, riders, message, dedupe_key=key, report_id=report.id)


@subscribe(ReportStatusChanged)
def withdraw_verifications(session: Session, event: ReportStatusChanged) -> None:
    """Closed or sent back for rework: open checks of the report are no longer needed."""
    if event.from_status is not ReportStatus.RESOLVED:
        return
    session.execute(
        update(VerificationTask)
        .where(
            col(VerificationTask.report_id) == event.report.id,
            col(VerificationTask.status) == VerificationStatus.OPEN,
        )
        .values(status=VerificationStatus.EXPIRED, expired_at=utcnow())
        .execution_options(synchronize_session=False)
    )
