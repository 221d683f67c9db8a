"""The webhook backlog as a metric, read from the database when Prometheus scrapes."""

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import col, select

from app.core.db import session_scope
from app.webhooks.models import DeliveryStatus, WebhookDelivery


class DeliveryBacklogCollector(Collector):
    """Deliveries still to be sent (first try or a retry), across every process: one count
    over the status index (ix_webhook_delivery_due), not a scan of the table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        with session_scope(self._engine, write=False) as session:
            pending = session.exec(
                select(func.count())
                .select_from(WebhookDelivery)
                .where(col(WebhookDelivery.status) == DeliveryStatus.PENDING)
            ).one()
        yield GaugeMetricFamily(
            "tantou_webhook_deliveries_pending",
            "Webhook deliveries waiting for their first try or a retry.",
            value=pending,
        )
