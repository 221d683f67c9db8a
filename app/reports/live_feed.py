"""The live feed of new reports (app/core/live_feed.py): each handed to the streams whose scope
covers its area."""

from collections.abc import Callable, Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.live_feed import LiveFeed, wake_feeds
from app.reports.models import Report
from app.reports.schemas import ReportPublic

NEW_REPORT_CHANNEL = "tantou_new_report"

Presenter = Callable[[Session, Sequence[Report]], list[ReportPublic]]


def report_feed(engine: Engine, present: Presenter) -> LiveFeed[Report]:
    """A feed of new reports, presented by `present`, their audience their area path."""
    return LiveFeed(
        engine,
        Report,
        present=present,
        audience=lambda report: report.area_path,
        channel=NEW_REPORT_CHANNEL,
    )


def wake_live_feeds(session: Session) -> None:
    """Have every process's report feed look soon after this transaction commits."""
    wake_feeds(session, NEW_REPORT_CHANNEL)
