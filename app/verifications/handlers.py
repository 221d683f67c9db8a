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
from app.riders.models import Team
from app.verifications.models import VerificationStatus, VerificationTask
from app.verifications.service import riders_offered


@subscribe(TaskStatusChanged)
def offer_verification(session: Session, event: TaskStatusChanged) -> None:
    """A completed task in a community that has a volunteer team becomes an open check."""
    report, task = event.report, event.task
    if event.to_status is not TaskStatus.COMPLETED or report.community_code is None:
        return
    assert report.id is not None
    assert task.id is not None
    has_team = session.exec(
        select(Team.id).where(Team.community_code == report.community_code).limit(1)
    ).first()
    offered = session.exec(
        select(VerificationTask.id).where(
            VerificationTask.task_id == task.id, VerificationTask.round == task.rework_count
        )
    ).first()
    if has_team is None or offered is not None:
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
    _tell_riders_offered(session, verification, report)


def _tell_riders_offered(session: Session, verification: VerificationTask, report: Report) -> None:
    """The riders who see the check hear that there is one near them (its reporter hears of
    the same step as a follower already: "being verified")."""
    assert report.id is not None
    category = session.get_one(Category, report.category_code)
    message = verification_offered_message(report.id, category.name_zh, category.name_en)
    riders = [r for r in riders_offered(session, verification) if r != report.reporter_id]
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
