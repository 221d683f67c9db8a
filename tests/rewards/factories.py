"""Plain factories for rewards tests."""

from sqlmodel import Session

from app.rewards.models import Reward
from app.rewards.service import RewardFields, create_reward


def make_reward(
    session: Session,
    *,
    name: str = "安全头盔",
    cost: int = 100,
    stock: int = 10,
    monthly_limit_per_rider: int | None = None,
    community_code: str | None = None,
) -> Reward:
    reward = create_reward(
        session,
        RewardFields(
            name=name,
            cost=cost,
            stock=stock,
            monthly_limit_per_rider=monthly_limit_per_rider,
            community_code=community_code,
        ),
        actor_id=None,
    )
    session.commit()
    return reward
