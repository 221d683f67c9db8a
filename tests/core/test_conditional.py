"""The conditional-update helper: a lost race is told apart and shows the state that won."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col

from app.core.conditional import update_or_conflict, update_where
from app.core.db import writer_engine
from app.core.errors import Conflict
from app.core.messages import Message
from app.core.runtime import Runtime
from app.rewards.models import Reward


@pytest.fixture
def reward(session: Session) -> Reward:
    """A reward with 5 in stock, loaded in `session` and its transaction ended."""
    reward = Reward(name="雨衣", cost=10, stock=5)
    session.add(reward)
    session.commit()
    return reward


@pytest.fixture
def other_writer(runtime: Runtime) -> Iterator[Session]:
    """A second writer, the one that gets to the row first."""
    with Session(writer_engine(runtime.engine)) as other:
        yield other


def take_all_but_one(other: Session, reward_id: int | None) -> None:
    """The other writer leaves 1 in stock and commits."""
    row = other.get_one(Reward, reward_id)
    row.stock = 1
    other.commit()


def test_a_winning_update_changes_the_row_and_shows_the_expression_result(
    session: Session, reward: Reward
) -> None:
    changed = update_where(
        session,
        Reward,
        reward,
        expected={"stock": 5},
        values={"stock": col(Reward.stock) - 2},
    )
    assert changed is True
    assert reward.stock == 3
    session.commit()
    assert session.get_one(Reward, reward.id, populate_existing=True).stock == 3


def test_a_lost_race_returns_false_and_shows_the_winners_state(
    session: Session, reward: Reward, other_writer: Session
) -> None:
    take_all_but_one(other_writer, reward.id)
    changed = update_where(
        session, Reward, reward, expected={"stock": 5}, values={"stock": 0, "name": "伞"}
    )
    assert changed is False
    assert (reward.stock, reward.name) == (1, "雨衣")


def test_an_extra_condition_that_fails_changes_nothing(session: Session, reward: Reward) -> None:
    changed = update_where(
        session,
        Reward,
        reward.id,
        col(Reward.stock) >= 6,
        values={"stock": col(Reward.stock) - 6},
    )
    assert changed is False
    assert reward.stock == 5


def test_by_key_the_sessions_copy_of_the_row_is_reloaded(session: Session, reward: Reward) -> None:
    assert update_where(session, Reward, reward.id, values={"stock": col(Reward.stock) + 4})
    assert reward.stock == 9


def test_the_raising_variant_raises_conflict_naming_the_fresh_state(
    session: Session, reward: Reward, other_writer: Session
) -> None:
    take_all_but_one(other_writer, reward.id)
    with pytest.raises(Conflict, match="needed, 1 available"):
        update_or_conflict(
            session,
            Reward,
            reward,
            expected={"stock": 5},
            values={"stock": 3},
            conflict=lambda: Conflict(
                Message("rewards.not-enough-points", cost=3, balance=reward.stock)
            ),
        )
    assert session.get_one(Reward, reward.id).stock == 1


def test_the_raising_variant_returns_quietly_when_it_wins(session: Session, reward: Reward) -> None:
    update_or_conflict(
        session,
        Reward,
        reward,
        expected={"stock": 5},
        values={"stock": 4},
        conflict=lambda: Conflict("not expected"),
    )
    assert reward.stock == 4
