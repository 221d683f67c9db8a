"""Plain factories for points tests: reports moved through the workflow, points given."""

import threading
import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlmodel import Session

from app.points.rules import EntryKind
from app.points.service import lock_account, post_entry
from app.reports.models import Report
from app.reports.states import ReportStatus
from app.reports.workflow import change_status

T = TypeVar("T")

# The path from submitted to closed, one status change at a time.
TO_CLOSED = (
    ReportStatus.ACCEPTED,
    ReportStatus.DISPATCHED,
    ReportStatus.IN_PROGRESS,
    ReportStatus.RESOLVED,
    ReportStatus.CLOSED,
)


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


def run_together(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run the calls in threads released at the same instant; their results in order.

    An exception in any call is raised here after all threads finished.
    """
    barrier = threading.Barrier(len(calls))
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as exc:  # handed to the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [results[index] for index in range(len(calls))]
