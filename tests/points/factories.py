"""Plain factories for points tests: reports moved through the workflow, points given."""

import uuid

from sqlmodel import Session, select

from app.grids.models import Grid
from app.points.rules import EntryKind
from app.points.service import lock_account, post_entry
from app.reports.models import Report
from app.reports.states import ReportStatus
from app.reports.workflow import change_status
from tests.factories import COMMUNITY, GRID, GRID_POINT

# The path from submitted to closed, one status change at a time.
TO_CLOSED = (
    ReportStatus.ACCEPTED,
    ReportStatus.DISPATCHED,
    ReportStatus.IN_PROGRESS,
    ReportStatus.RESOLVED,
    ReportStatus.CLOSED,
)


def make_report(
    session: Session,
    reporter_id: int,
    *,
    category: str = "0102",  # 暴露垃圾, 5 points
    urgent: bool = False,
    grid: str = GRID,
    community: str = COMMUNITY,
) -> Report:
    """A submitted report in a grid, as the report service would store it."""
    path = session.exec(select(Grid.path).where(Grid.code == grid)).one()
    report = Report(
        reporter_id=reporter_id,
        client_id=str(uuid.uuid4()),
        fingerprint="0" * 64,
        category_code=category,
        lat=GRID_POINT[1],
        lon=GRID_POINT[0],
        urgent=urgent,
        grid_code=grid,
        community_code=community,
        area_path=path,
    )
    session.add(report)
    session.commit()
    return report


def move_report(
    session: Session, report: Report, *statuses: ReportStatus, actor_id: int | None = None
) -> None:
    """Change the report's status step by step through the one workflow function; commits."""
    for status in statuses:
        change_status(session, report, status, actor_id=actor_id)
        session.commit()


def give_points(session: Session, rider_id: int, amount: int) -> None:
    """Credit a rider (as a manual adjustment); commits."""
    lock_account(session, rider_id)
    post_entry(
        session,
        rider_id=rider_id,
        amount=amount,
        kind=EntryKind.ADJUSTMENT,
        source_id=uuid.uuid4().hex,
        reason="测试入账",
        actor_id=None,
    )
    session.commit()
