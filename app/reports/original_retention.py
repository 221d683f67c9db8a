"""The original retention job: deletes the sealed unredacted originals of photos once they are
older than TANTOU_ORIGINAL_RETENTION_DAYS.

An original is kept only so that a coordinator can reveal a redacted region while the case is
fresh; after that the city keeps the redacted copies alone. The job runs under a lease (one
process of all) every hour, in batches over the partial index of sealed photos (oldest first);
the row forgets the key before the file goes, so a crash between the two leaves at most a file
the photo sweep of the originals removes, never a row naming a missing file.
"""

import asyncio
import logging
from datetime import datetime, timedelta

import anyio.to_thread
from sqlalchemy import Engine, update
from sqlmodel import col, select

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import session_scope
from app.core.metrics import measured_job
from app.photos.sealing import original_store
from app.reports.models import ReportPhoto

log = logging.getLogger("tantou.original_retention")
RETENTION_CHECK_SECONDS = 3600
DELETE_BATCH_ROWS = 500


@measured_job("original_retention")
def delete_expired_originals(engine: Engine, settings: Settings, *, now: datetime) -> int:
    """Delete the sealed originals of photos created before now - retention; how many."""
    cutoff = now - timedelta(days=settings.original_retention_days)
    store = original_store(settings)
    deleted = 0
    while True:
        with session_scope(engine) as session:
            expired = session.exec(
                select(ReportPhoto.id, ReportPhoto.original_key)
                .where(col(ReportPhoto.original_key).is_not(None))
                .where(col(ReportPhoto.created_at) < cutoff)
                .order_by(col(ReportPhoto.created_at), col(ReportPhoto.id))
                .limit(DELETE_BATCH_ROWS)
            ).all()
            if expired:
                session.execute(
                    update(ReportPhoto)
                    .where(col(ReportPhoto.id).in_([photo_id for photo_id, _key in expired]))
                    .values(original_key=None)
                    .execution_options(synchronize_session=False)
                )
            session.commit()
        for _photo_id, key in expired:
            if key is not None:
                store.delete(key)
        deleted += len(expired)
        if len(expired) < DELETE_BATCH_ROWS:
            return deleted


async def delete_expired_originals_periodically(engine: Engine, settings: Settings) -> None:
    """Delete expired originals at start-up, then every hour, until cancelled."""
    while True:
        try:
            deleted = await anyio.to_thread.run_sync(
                lambda: delete_expired_originals(engine, settings, now=utcnow())
            )
        except Exception:  # the next round tries again; one failure must not end the loop
            log.exception("original retention failed")
        else:
            if deleted:
                log.info("sealed originals deleted", extra={"photos": deleted})
        await asyncio.sleep(RETENTION_CHECK_SECONDS)
