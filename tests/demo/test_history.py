"""`tantou demo` leaves months of history: every chart of the figures page has something to
show, the rollups equal a recount, and the same seed gives the same demo."""

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES
from app.cli import main as tantou
from app.core import clock
from app.core.db import create_db_engine
from app.figures.cases import case_figures
from app.figures.league import grid_league
from app.figures.series import figure_series
from app.points.models import PointsEntry
from app.reports.models import Report, ReportRating
from app.reports.states import ReportStatus
from tests.figures.recount import assert_rollups_equal_a_recount

MONTHS_OF_HISTORY = 3


@pytest.fixture
def demo_url(empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TANTOU_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("TANTOU_DATA_DIR", str(tmp_path))
    assert tantou(["migrate"]) == 0
    assert tantou(["demo"]) == 0
    return empty_database_url


def test_the_demo_has_months_of_history_in_every_chart(demo_url: str) -> None:
    engine = create_db_engine(demo_url)
    now = clock.utcnow()
    with Session(engine) as session:
        first = session.exec(select(func.min(Report.created_at))).one()
        assert first is not None
        assert now - first > timedelta(days=30 * MONTHS_OF_HISTORY)
        statuses = Counter(session.exec(select(Report.status)).all())
        for status in (ReportStatus.SUBMITTED, ReportStatus.REJECTED, ReportStatus.CLOSED):
            assert statuses[status], status
        assert statuses[ReportStatus.DISPATCHED] + statuses[ReportStatus.IN_PROGRESS]
        assert session.exec(select(func.count()).select_from(ReportRating)).one()
        assert session.exec(select(func.count()).select_from(PointsEntry)).one() > 100
        overdue = session.exec(
            select(func.count())
            .select_from(Task)
            .where(col(Task.status).in_(ACTIVE_TASK_STATUSES), col(Task.due_at) <= now)
        ).one()
        assert overdue

        whole = case_figures(session, None, since=None, until=None, now=now)
        assert whole.closed
        assert whole.closed_on_time
        assert whole.reworked
        assert whole.overdue_now
        assert whole.median_hours_to_close
        assert 0 < (whole.on_time_closure_rate or 0) < 1
        last_month = now - timedelta(days=30)
        daily = figure_series(session, None, since=last_month, until=now, now=now)
        assert daily.step == "day"
        assert sum(1 for point in daily.points if point.received) > 20
        assert len({code for point in daily.points for code in point.by_category}) > 3
        monthly = figure_series(session, None, since=None, until=None, now=now)
        assert sum(1 for point in monthly.points if point.closure_rate) > MONTHS_OF_HISTORY
        league = grid_league(session, None, since=None, until=None, now=now)
        assert len(league) > 20
        assert len({row.on_time_closure_rate for row in league}) > 5
        assert_rollups_equal_a_recount(session)
    engine.dispose()
