"""Two coordinators reviewing one registration at once: the loser is told what won."""

import pytest
from sqlmodel import Session

from app.accounts.models import AccountStatus, Role
from app.accounts.scope import scope_of
from app.core.db import writer_engine
from app.core.errors import Conflict
from app.core.runtime import Runtime
from app.riders.service import approve_rider, reject_rider, rider_in_scope
from tests.factories import TOWN, make_account, seed_grids
from tests.riders.factories import make_rider


def test_the_review_that_lost_the_race_names_the_status_that_won(
    session: Session, runtime: Runtime
) -> None:
    seed_grids(session)
    coordinator = make_account(session, Role.COORDINATOR, "town", areas=(TOWN,))
    rider = make_rider(session, "13800000001", active=False)
    scope = scope_of(session, coordinator)
    # `session` holds on to the rider's account, read while pending, as the other review commits.
    _, seen = rider_in_scope(session, scope, rider.account_id)
    session.commit()
    assert coordinator.id is not None
    with Session(writer_engine(runtime.engine)) as other:
        approve_rider(other, scope, rider.account_id, actor_id=coordinator.id)
        other.commit()

    assert seen.status is AccountStatus.PENDING
    with pytest.raises(Conflict, match=r"already reviewed \(status active\)"):
        reject_rider(session, scope, rider.account_id, actor_id=coordinator.id, reason="无效")
