"""The one function that changes a report's status, and the timeline it writes."""

from sqlalchemy import update
from sqlmodel import Session

from app.core.clock import utcnow
from app.core.errors import StaleState, TransitionNotAllowed
from app.core.events import publish
from app.reports.events import ReportStatusChanged
from app.reports.models import Report, ReportEvent, ReportEventKind
from app.reports.states import IllegalTransition, ReportStatus, check_report_transition

# The timestamp column each status sets when a report enters it.
STATUS_TIMESTAMPS: dict[ReportStatus, str] = {
    ReportStatus.ACCEPTED: "accepted_at",
    ReportStatus.DISPATCHED: "dispatched_at",
    ReportStatus.RESOLVED: "resolved_at",
    ReportStatus.CLOSED: "closed_at",
}


def change_status(
    session: Session,
    report: Report,
    target: ReportStatus,
    *,
    actor_id: int | None,
    note: str | None = None,
    **changes: object,
) -> ReportEvent:
    """Move `report` to `target`: check the edge, update only if nobody moved it first,
    stamp the time, append the event and announce it. Flushes; the caller commits.

    Two callers racing on the same report: the conditional UPDATE lets exactly one through;
    the other gets a 409.
    """
    current = report.status
    try:
        check_report_transition(current, target)
    except IllegalTransition as exc:
        raise TransitionNotAllowed(str(exc)) from None
    now = utcnow()
    values: dict[str, object] = {"status": target, "updated_at": now, **changes}
    if column := STATUS_TIMESTAMPS.get(target):
        values[column] = now
    result = session.execute(
        update(Report)
        .where(Report.id == report.id, Report.status == current)  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleState("Someone else changed this report first; reload it.")
    for name, value in values.items():
        setattr(report, name, value)
    event = record_event(
        session,
        report,
        ReportEventKind.STATUS_CHANGED,
        actor_id=actor_id,
        note=note,
        from_status=current,
        to_status=target,
    )
    publish(session, ReportStatusChanged(report, current, target, actor_id, note))
    return event


def record_event(
    session: Session,
    report: Report,
    kind: ReportEventKind,
    *,
    actor_id: int | None,
    note: str | None = None,
    task_id: int | None = None,
    from_status: ReportStatus | None = None,
    to_status: ReportStatus | None = None,
) -> ReportEvent:
    """Append one entry to the report's timeline (flushes)."""
    assert report.id is not None
    event = ReportEvent(
        report_id=report.id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor_id,
        task_id=task_id,
        note=note,
    )
    session.add(event)
    session.flush()
    return event
