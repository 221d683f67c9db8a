"""The webhook events, produced from the workflow's own domain events: each writes its
deliveries in the transaction of the change (the outbox), so a change and its deliveries are
stored together or not at all."""

from typing import Any

from sqlmodel import Session

from app.cases.events import CaseRated, TaskOverdue, TaskStatusChanged
from app.cases.models import Task
from app.cases.schemas import RatingPublic
from app.core.clock import utcnow
from app.core.events import subscribe
from app.reports.events import ReportCreated, ReportStatusChanged
from app.reports.models import Report
from app.reports.states import ReportStatus
from app.units.models import Unit
from app.webhooks import payloads, service
from app.webhooks.models import WebhookEvent
from app.webhooks.outbox import write_deliveries


@subscribe(ReportCreated)
def on_report_created(session: Session, event: ReportCreated) -> None:
    _announce_report(session, WebhookEvent.REPORT_CREATED, event.report)


@subscribe(ReportStatusChanged)
def on_report_status_changed(session: Session, event: ReportStatusChanged) -> None:
    change = {"from_status": event.from_status.value, "to_status": event.to_status.value}
    _announce_report(session, WebhookEvent.REPORT_STATUS_CHANGED, event.report, change)
    if event.to_status is ReportStatus.CLOSED:
        _announce_report(session, WebhookEvent.CASE_CLOSED, event.report)


@subscribe(CaseRated)
def on_case_rated(session: Session, event: CaseRated) -> None:
    rating = RatingPublic.model_validate(event.rating, from_attributes=True)
    data = {"rating": rating.model_dump(mode="json")}
    _announce_report(session, WebhookEvent.REPORT_RATED, event.report, data)


@subscribe(TaskStatusChanged)
def on_task_status_changed(session: Session, event: TaskStatusChanged) -> None:
    if event.from_status is None:
        _announce_task(session, WebhookEvent.TASK_CREATED, event.task, event.report)
        return
    change = {"from_status": event.from_status.value, "to_status": event.to_status.value}
    _announce_task(session, WebhookEvent.TASK_STATUS_CHANGED, event.task, event.report, change)


@subscribe(TaskOverdue)
def on_task_overdue(session: Session, event: TaskOverdue) -> None:
    extra = {"escalated": event.escalated}
    _announce_task(session, WebhookEvent.TASK_OVERDUE, event.task, event.report, extra)


def _announce_report(
    session: Session, event: WebhookEvent, report: Report, extra: dict[str, Any] | None = None
) -> None:
    subscriptions = service.subscriptions_for(session, event, community_code=report.community_code)
    if not subscriptions:
        return
    data = {"report": payloads.report_data(session, report), **(extra or {})}
    write_deliveries(
        session, subscriptions, event.value, data, occurred_at=utcnow(), report_id=report.id
    )


def _announce_task(
    session: Session,
    event: WebhookEvent,
    task: Task,
    report: Report,
    extra: dict[str, Any] | None = None,
) -> None:
    unit = session.get_one(Unit, task.unit_id)
    subscriptions = service.subscriptions_for(
        session, event, community_code=report.community_code, unit_code=unit.code
    )
    if not subscriptions:
        return
    data = {"task": payloads.task_data(task, unit, report), **(extra or {})}
    write_deliveries(
        session,
        subscriptions,
        event.value,
        data,
        occurred_at=utcnow(),
        report_id=report.id,
        task_id=task.id,
    )
