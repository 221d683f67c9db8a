"""The rollups equal a full recount after a random history, and /stats read from them equals
the figures counted report by report, for any area and period."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.cases.models import Task
from app.cases.states import ACTIVE_TASK_STATUSES, TaskStatus
from app.figures.cases import CASE_STATUSES
from app.figures.models import REPORT_KEYS
from app.grids.service import grid_by_code
from app.reports.models import Report
from app.reports.states import ReportStatus
from tests.cases.factories import GAS_LEAK, OTHER_GRID, Steps
from tests.factories import COMMUNITY, GRID, TOWN
from tests.figures.recount import assert_rollups_equal_a_recount, figures_of, recount
from tests.fixtures.people import People
from tests.fixtures.reports import GARBAGE, make_report
from tests.reports.factories import post_report

FINAL = {ReportStatus.REJECTED, ReportStatus.DUPLICATE}


class History:
    """Random steps of the workflow on random reports, through the API."""

    def __init__(self, session: Session, people: People, steps: Steps, seed: int) -> None:
        self.session, self.people, self.steps = session, people, steps
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC)

    def create(self) -> None:
        rng = self.rng
        age = timedelta(minutes=rng.randint(0, 70 * 24 * 60))
        kind = rng.random()
        if kind < 0.1:
            response = post_report(self.steps.client, self.people.rider.headers)
            assert response.status_code == 201, response.text
        elif kind < 0.2:
            make_report(self.session, self.people.rider.id, grid=None, created_at=self.now - age)
        else:
            make_report(
                self.session,
                self.people.rider.id,
                category_code=rng.choice([GARBAGE, GAS_LEAK]),
                grid=rng.choice([GRID, GRID, OTHER_GRID]),
                created_at=self.now - age,
            )

    def move(self) -> None:
        """One legal step of a random report of GRID."""
        rows = self.session.execute(
            select(Report.id, Report.status)
            .where(col(Report.grid_code) == GRID)
            .order_by(col(Report.id))  # a fixed order, so the seed alone decides the history
        ).all()
        self.session.rollback()
        movable = [row for row in rows if row[1] not in FINAL]
        if not movable:
            return
        report_id, status = self.rng.choice(movable)
        steps, unit, rng = self.steps, self.people.property_unit, self.rng
        if status is ReportStatus.SUBMITTED:
            targets = [rid for rid, s in rows if s in CASE_STATUSES - {ReportStatus.CLOSED}]
            choice = rng.random()
            if choice < 0.6:
                steps.accept(report_id)
            elif choice < 0.8 or not targets:
                steps.reject(report_id)
            else:
                steps.merge(report_id, into=rng.choice(targets))
        elif status is ReportStatus.ACCEPTED:
            steps.dispatch(report_id, unit)
        elif status in (ReportStatus.DISPATCHED, ReportStatus.IN_PROGRESS):
            task_id, task_status = self._task_of(report_id)
            if task_status is TaskStatus.IN_PROGRESS:
                steps.complete(task_id, unit)
            elif rng.random() < 0.8:
                steps.take(task_id, unit)
            else:
                steps.hand_back(task_id, unit)
        elif status is ReportStatus.RESOLVED:
            steps.approve(report_id) if rng.random() < 0.7 else steps.rework(report_id)
        elif status is ReportStatus.CLOSED and rng.random() < 0.3:
            steps.reopen(report_id, self.people.rider)

    def _task_of(self, report_id: int) -> tuple[int, TaskStatus]:
        """The report's first active task (rework reopens every completed one)."""
        task_id, status = self.session.execute(
            select(Task.id, Task.status)
            .where(col(Task.report_id) == report_id, col(Task.status).in_(ACTIVE_TASK_STATUSES))
            .order_by(col(Task.id))
        ).first()  # type: ignore[misc]
        self.session.rollback()
        return int(task_id), status

    def run(self, count: int) -> None:
        for _ in range(count):
            self.create() if self.rng.random() < 0.3 else self.move()


def test_rollups_equal_a_recount_after_a_random_history(
    session: Session, people: People, steps: Steps
) -> None:
    history = History(session, people, steps, seed=20261202)
    for _ in range(3):
        history.run(40)
        assert_rollups_equal_a_recount(session)
    counted = session.execute(select(func.count()).select_from(REPORT_KEYS)).scalar_one()
    assert counted == session.execute(select(func.count()).select_from(Report)).scalar_one()


def test_figures_of_any_area_and_period_equal_a_count_report_by_report(
    session: Session, people: People, steps: Steps
) -> None:
    history = History(session, people, steps, seed=7)
    history.run(90)
    everything = recount(session, None, None, None)
    assert everything["by_status"][ReportStatus.CLOSED]
    assert everything["reworked"]
    paths = [None] + [
        grid.path for code in (GRID, COMMUNITY, TOWN) if (grid := grid_by_code(session, code))
    ]
    session.rollback()
    rng = random.Random(3)
    for _ in range(25):
        ends = sorted(history.now - timedelta(minutes=rng.randint(-60, 75 * 24 * 60)) for _ in "ab")
        since = None if rng.random() < 0.2 else ends[0]
        until = None if rng.random() < 0.2 else ends[1]
        area_path = rng.choice(paths)
        expected, got = (
            recount(session, area_path, since, until),
            figures_of(session, area_path, since, until),
        )
        session.rollback()
        exact_median, median = expected.pop("median_hours"), got.pop("median_hours")
        assert got == expected, (area_path, since, until)
        if exact_median is None:
            assert median is None
        else:
            assert abs(median - exact_median) <= max(exact_median / 128, 1 / 120) + 0.005
