"""Points paid (or taken back) when reports move and verifications are done."""

from sqlmodel import Session

from app.categories.models import Category
from app.core.events import subscribe
from app.points.rules import EntryKind, PointsRuleCode
from app.points.service import award, reverse_award, rule_value
from app.reports.events import ReportStatusChanged
from app.reports.states import ReportStatus
from app.verifications.events import VerificationSubmitted


@subscribe(ReportStatusChanged)
def pay_for_report(session: Session, event: ReportStatusChanged) -> None:
    """Accepted: the category's points; closed: the fixed bonus (and the urgent bonus for an
    urgent report); merged after acceptance: the acceptance points taken back. Rejected and
    merged reports earn nothing."""
    report = event.report
    if event.to_status is ReportStatus.ACCEPTED and event.from_status is ReportStatus.SUBMITTED:
        # Only the first acceptance pays: reopening or all tasks returned also lead to accepted.
        category = session.get(Category, report.category_code)
        if category is not None:
            _award_reporter(
                session,
                event,
                EntryKind.REPORT_ACCEPTED,
                category.points,
                f"上报被受理：{category.name_zh}",
            )
    elif event.to_status is ReportStatus.CLOSED:
        fixed_bonus = rule_value(session, PointsRuleCode.CASE_FIXED_BONUS)
        _award_reporter(session, event, EntryKind.REPORT_FIXED, fixed_bonus, "上报的问题已办结")
        if report.urgent:
            urgent_bonus = rule_value(session, PointsRuleCode.URGENT_CONFIRMED_BONUS)
            _award_reporter(
                session, event, EntryKind.REPORT_URGENT, urgent_bonus, "紧急上报经核实属实"
            )
    elif event.to_status is ReportStatus.DUPLICATE and event.from_status is ReportStatus.ACCEPTED:
        assert report.id is not None
        reverse_award(
            session,
            rider_id=report.reporter_id,
            kind=EntryKind.REPORT_ACCEPTED,
            source_id=str(report.id),
            reason="上报被合并为重复，撤回受理积分",
            actor_id=event.actor_id,
            report_id=report.id,
        )


def _award_reporter(
    session: Session, event: ReportStatusChanged, kind: EntryKind, points: int, reason: str
) -> None:
    report = event.report
    assert report.id is not None
    award(
        session,
        rider_id=report.reporter_id,
        kind=kind,
        source_id=str(report.id),
        rule_points=points,
        reason=reason,
        actor_id=event.actor_id,
        report_id=report.id,
    )


@subscribe(VerificationSubmitted)
def pay_for_verification(session: Session, event: VerificationSubmitted) -> None:
    """The first valid check of "is it fixed?" earns the verification points."""
    award(
        session,
        rider_id=event.rider_id,
        kind=EntryKind.VERIFICATION,
        source_id=str(event.verification_id),
        rule_points=rule_value(session, PointsRuleCode.VERIFICATION_DONE),
        reason="完成核查任务",
        actor_id=event.rider_id,
        report_id=event.report_id,
    )
