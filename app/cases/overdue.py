"""The overdue job: marks tasks past their deadline and escalates them after a grace.

Every worker of the app runs it; a task is claimed by a conditional UPDATE (… WHERE overdue_at
IS NULL), and only the run whose UPDATE claimed it announces it, so two runs at once never
notify twice.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import anyio.to_thread
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.cases.events import TaskOverdue
from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES
from app.core.clock import utcnow
from app.core.conditional import update_where
from app.core.config import Settings
from app.core.db import session_scope
from app.core.events import publish
from app.core.metrics import measured_job
from app.reports.models import Report, ReportEventKind
from app.reports.workflow import record_event

log = logging.getLogger("tantou.overdue")
# The Task column a step of the job stamps: first overdue, then escalated.
Stamp = Literal["overdue_at", "escalated_at"]


@dataclass(frozen=True)
class OverdueResult:
    marked_overdue: int
    escalated: int


@measured_job("overdue_check")
def run_overdue_check(engine: Engine, settings: Settings, now: datetime) -> OverdueResult:
    """Mark active tasks whose `due_at` has passed overdue (their coordinators hear of it), and
    escalate those overdue for longer than the grace to their street's coordinators."""
    grace = timedelta(hours=settings.escalation_grace_hours)
    with session_scope(engine) as session:
        marked = _claim_and_announce(session, "overdue_at", deadline=now, now=now)
        escalated = _claim_and_announce(session, "escalated_at", deadline=now - grace, now=now)
        session.commit()
    return OverdueResult(marked_overdue=marked, escalated=escalated)


async def check_overdue_periodically(engine: Engine, settings: Settings) -> None:
    """Run the overdue check every `overdue_check_seconds` until cancelled."""
    while True:
        await asyncio.sleep(settings.overdue_check_seconds)
        try:
            result = await anyio.to_thread.run_sync(run_overdue_check, engine, settings, utcnow())
        except Exception:  # the next round tries again; one failure must not end the loop
            log.exception("overdue check failed")
            continue
        if result.marked_overdue or result.escalated:
            log.info(
                "overdue check",
                extra={"marked_overdue": result.marked_overdue, "escalated": result.escalated},
            )


def _claim_and_announce(
    session: Session, stamp: Stamp, *, deadline: datetime, now: datetime
) -> int:
    """Stamp `stamp` on active tasks due by `deadline` that lack it; announce the ones claimed."""
    pending = (
        getattr(Task, stamp).is_(None),
        col(Task.due_at) <= deadline,
        col(Task.status).in_(ACTIVE_TASK_STATUSES),
    )
    task_ids = session.exec(select(Task.id).where(*pending).order_by(col(Task.id))).all()
    claimed = 0
    for task_id in task_ids:
        if not update_where(session, Task, task_id, *pending, values={stamp: now}):
            continue  # another worker claimed it, or it was finished meanwhile
        claimed += 1
        task = session.get_one(Task, task_id)
        report = session.get_one(Report, task.report_id)
        escalated = stamp == "escalated_at"
        kind = ReportEventKind.TASK_ESCALATED if escalated else ReportEventKind.TASK_OVERDUE
        record_event(session, report, kind, actor_id=None, task_id=task.id)
        publish(session, TaskOverdue(task, report, escalated))
    return claimed
