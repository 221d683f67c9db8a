"""The one function that changes a report's status, and the timeline it writes."""

from sqlmodel import Session

from app.core.events import publish
from app.core.transitions import transition
from app.reports.events import ReportStatusChanged
from app.reports.models import Report, ReportEvent, ReportEventKind
from app.reports.states import REPORT_MACHINE, ReportStatus


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
    current = transition(session, REPORT_MACHINE, report, target, **changes)
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
