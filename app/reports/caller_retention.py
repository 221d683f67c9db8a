"""The caller retention job: erases the names and phones of callers of recorded reports once
they are older than TANTOU_CALLER_PHONE_RETENTION_DAYS.

A caller gave a number so that the coordinator could follow the call up; once the case is long
past, the city keeps the report and not the person. The job runs under a lease (one process of
all) every hour; it works in batches, so that no one transaction holds the write lock for long,
and two runs at once would only find nothing left to erase.
"""

import asyncio
import logging
from datetime import datetime, timedelta

import anyio.to_thread
from sqlalchemy import Engine, or_, update
from sqlmodel import col, select

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import session_scope
from app.core.metrics import measured_job
from app.reports.models import Report

log = logging.getLogger("tantou.caller_retention")
RETENTION_CHECK_SECONDS = 3600
ERASE_BATCH_ROWS = 500


@measured_job("caller_retention")
def erase_expired_callers(engine: Engine, *, retention: timedelta, now: datetime) -> int:
    """Erase caller name and phone of reports created before now - retention; how many."""
    expired = (
        col(Report.created_at) < now - retention,
        or_(col(Report.caller_phone).is_not(None), col(Report.caller_name).is_not(None)),
    )
    erased = 0
    while True:
        with session_scope(engine) as session:
            ids = list(
                session.exec(select(Report.id).where(*expired).limit(ERASE_BATCH_ROWS)).all()
            )
            if ids:
                session.execute(
                    update(Report)
                    .where(col(Report.id).in_(ids), *expired)
                    .values(caller_name=None, caller_phone=None)
                    .execution_options(synchronize_session=False)
                )
            session.commit()
        erased += len(ids)
        if len(ids) < ERASE_BATCH_ROWS:
            return erased


async def erase_expired_callers_periodically(engine: Engine, settings: Settings) -> None:
    """Erase expired callers at start-up, then every hour, until cancelled."""
    retention = timedelta(days=settings.caller_phone_retention_days)
    while True:
        try:
            erased = await anyio.to_thread.run_sync(
                lambda: erase_expired_callers(engine, retention=retention, now=utcnow())
            )
        except Exception:  # the next round tries again; one failure must not end the loop
            log.exception("caller retention failed")
        else:
            if erased:
                log.info("caller details erased", extra={"reports": erased})
        await asyncio.sleep(RETENTION_CHECK_SECONDS)
