"""The redaction backlog as a metric, read from the database when Prometheus scrapes."""

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import col, select

from app.core.db import session_scope
from app.reports.models import PhotoRedaction, ReportPhoto


class RedactionBacklogCollector(Collector):
    """Photos not served because they wait for redaction, by why: one count over the partial
    index of waiting photos (ix_report_photo_to_redact), not a scan of the table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        with session_scope(self._engine, write=False) as session:
            counts = dict(
                session.exec(
                    select(ReportPhoto.redaction, func.count())
                    .where(col(ReportPhoto.redaction) != PhotoRedaction.REDACTED)
                    .group_by(col(ReportPhoto.redaction))
                ).all()
            )
        waiting = GaugeMetricFamily(
            "tantou_photos_waiting_redaction",
            "Photos unserved until redacted: pending (queued after upload), needs_check (a "
            "detector failed) or unchecked (stored before redaction).",
            labels=["redaction"],
        )
        for state in (PhotoRedaction.PENDING, PhotoRedaction.NEEDS_CHECK, PhotoRedaction.UNCHECKED):
            waiting.add_metric([state.value], counts.get(state, 0))
        yield waiting
