"""The ledger invariant, checked after every database test of the points-related folders."""

from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.core.runtime import Runtime
from app.points.models import PointsAccount, PointsEntry


def assert_ledger_consistent(runtime: Runtime) -> None:
    """Every balance equals the sum of its rider's entries and none is negative."""
    with Session(runtime.engine) as session:
        sums = dict(
            session.exec(
                select(PointsEntry.rider_id, func.sum(PointsEntry.amount)).group_by(
                    col(PointsEntry.rider_id)
                )
            ).all()
        )
        balances = dict(session.exec(select(PointsAccount.rider_id, PointsAccount.balance)).all())
    assert all(balance >= 0 for balance in balances.values()), balances
    for rider_id in sums.keys() | balances.keys():
        assert sums.get(rider_id, 0) == balances.get(rider_id, 0), (rider_id, sums, balances)


@pytest.fixture(autouse=True)
def ledger_invariant(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that has a database: sum(entries) == balance >= 0 for every rider."""
    if "runtime" not in request.fixturenames:
        yield
        return
    runtime: Runtime = request.getfixturevalue("runtime")
    yield
    assert_ledger_consistent(runtime)
