"""Bulk triage: one action (accept, merge, dispatch) on many reports.

Each report is applied on its own, in its own transaction, by the single action's service
(its rules, scope and conditional updates), and that transaction also writes the report's
result line. The lines are kept by the request's client_id: a retry answers the lines already
written and applies only the reports it has none for, so nothing is applied twice, even when
two copies of the request run at once (the unique line decides).
"""

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.accounts.scope import Scope
from app.cases import service, triage
from app.cases.access import lock_reports
from app.cases.models import BulkAction, BulkActionResult, BulkOutcome
from app.cases.schemas import BulkAction as BulkActionName
from app.cases.schemas import BulkBody, BulkItem
from app.core.calendar import WorkCalendar
from app.core.errors import (
    AppError,
    ClientIdReused,
    Conflict,
    Forbidden,
    NotFound,
    StaleState,
    Unprocessable,
)
from app.core.messages import DEFAULT_LANGUAGE, Message
from app.core.status_words import status_words
from app.reports.access import load_visible_report

# The errors a report's line reports; any other (a busy database) fails the request, which a
# retry with the same client_id resumes.
_OUTCOMES: tuple[tuple[type[AppError], BulkOutcome], ...] = (
    (StaleState, BulkOutcome.STALE),
    (Conflict, BulkOutcome.NOT_ALLOWED),
    (NotFound, BulkOutcome.NOT_IN_AREA),
    (Forbidden, BulkOutcome.NOT_IN_AREA),
    (Unprocessable, BulkOutcome.INVALID),
)


def run_bulk(
    session: Session, scope: Scope, body: BulkBody, *, calendar: WorkCalendar
) -> list[BulkActionResult]:
    """Apply the action to every report in order; one committed result line per report."""
    action = _recorded_action(session, scope, body)
    written = {
        line.report_id: line
        for line in session.exec(
            select(BulkActionResult).where(BulkActionResult.bulk_action_id == action.id)
        )
    }
    session.commit()
    return [
        written.get(item.id) or _apply_and_record(session, scope, action, body, item, calendar)
        for item in body.reports
    ]


def _recorded_action(session: Session, scope: Scope, body: BulkBody) -> BulkAction:
    """The request's record, made on its first run (409 for a client_id used otherwise)."""
    fingerprint = hashlib.sha256(
        body.model_dump_json(exclude={"client_id"}).encode("utf-8")
    ).hexdigest()
    action = _action_of(session, scope.account_id, str(body.client_id))
    if action is None:
        session.add(
            BulkAction(
                account_id=scope.account_id, client_id=str(body.client_id), fingerprint=fingerprint
            )
        )
        try:
            session.commit()
        except IntegrityError:  # a twin of this request recorded it first
            session.rollback()
        action = _action_of(session, scope.account_id, str(body.client_id))
        assert action is not None
    if action.fingerprint != fingerprint:
        raise ClientIdReused(Message("cases.bulk-client-id-reused"))
    return action


def _action_of(session: Session, account_id: int, client_id: str) -> BulkAction | None:
    return session.exec(
        select(BulkAction).where(
            BulkAction.account_id == account_id, BulkAction.client_id == client_id
        )
    ).first()


def _apply_and_record(
    session: Session,
    scope: Scope,
    action: BulkAction,
    body: BulkBody,
    item: BulkItem,
    calendar: WorkCalendar,
) -> BulkActionResult:
    assert action.id is not None
    line = BulkActionResult(bulk_action_id=action.id, report_id=item.id, outcome=BulkOutcome.DONE)
    try:
        line.task_id = _apply(session, scope, body, item, calendar)
    except AppError as error:
        outcome = _outcome_of(error)
        if outcome is None:
            raise
        session.rollback()
        # Stored once for every later read (a retry), in the console's language.
        line.outcome, line.detail = outcome, error.detail.render(DEFAULT_LANGUAGE)[:500]
    session.add(line)
    try:
        session.commit()
    except IntegrityError:
        # A twin of this request wrote this report's line first; this run's change, if any,
        # was rolled back with the line, and the twin's line stands.
        session.rollback()
        return session.exec(
            select(BulkActionResult).where(
                BulkActionResult.bulk_action_id == action.id,
                BulkActionResult.report_id == item.id,
            )
        ).one()
    return line


def _apply(
    session: Session, scope: Scope, body: BulkBody, item: BulkItem, calendar: WorkCalendar
) -> int | None:
    """One report's action; the new task's id for a dispatch."""
    if item.updated_at is not None:
        _check_unchanged(session, scope, item)
    if body.action is BulkActionName.ACCEPT:
        triage.accept_report(session, scope, item.id, note=body.note)
        return None
    if body.action is BulkActionName.MERGE:
        assert body.into is not None  # checked by BulkBody
        triage.merge_report(session, scope, item.id, into_id=body.into, note=body.note)
        return None
    assert body.unit_code is not None  # checked by BulkBody
    task = service.dispatch_task(
        session,
        scope,
        item.id,
        unit_code=body.unit_code,
        note=body.note,
        due_at=None,
        calendar=calendar,
    )
    return task.id


def _check_unchanged(session: Session, scope: Scope, item: BulkItem) -> None:
    """409 (stale) if the report changed after the caller read it at `item.updated_at`."""
    report = load_visible_report(session, scope, item.id)
    lock_reports(session, report)
    if report.updated_at != item.updated_at:
        raise StaleState(
            Message(
                "cases.bulk-stale", report_id=item.id, status=status_words("report", report.status)
            )
        )


def _outcome_of(error: AppError) -> BulkOutcome | None:
    return next((outcome for kind, outcome in _OUTCOMES if isinstance(error, kind)), None)
