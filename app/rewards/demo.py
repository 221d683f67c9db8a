"""The demo rewards catalogue, for `tantou demo`."""

from collections.abc import Sequence
from dataclasses import replace

from sqlmodel import Session

from app.rewards.models import Reward
from app.rewards.service import RewardFields, create_reward

# Where the demo's items are handed over: the community's party and service centre.
PICKUP_PLACE = "社区党群服务中心一楼服务台"
PICKUP_HOURS = "工作日 9:00-12:00, 14:30-17:30"

DEMO_REWARDS: tuple[RewardFields, ...] = (
    RewardFields(
        name="安全头盔",
        cost=200,
        stock=20,
        monthly_limit_per_rider=1,
        description="3C 认证骑行头盔 Certified riding helmet",
    ),
    RewardFields(
        name="骑行雨衣",
        cost=120,
        stock=30,
        monthly_limit_per_rider=1,
        description="分体式反光雨衣 Reflective two-piece raincoat",
    ),
    RewardFields(
        name="充电宝",
        cost=300,
        stock=10,
        monthly_limit_per_rider=1,
        description="10000mAh 移动电源 Power bank",
    ),
    RewardFields(
        name="保温配送箱", cost=500, stock=5, description="外卖保温箱 Insulated delivery box"
    ),
    RewardFields(name="矿泉水（一箱）", cost=30, stock=100, description="Case of bottled water"),
)


def seed_rewards(session: Session, area_codes: Sequence[str]) -> list[Reward]:
    """The demo catalogue once for each area (a street or community code); flushes."""
    return [
        create_reward(
            session,
            replace(
                fields, community_code=code, pickup_place=PICKUP_PLACE, pickup_hours=PICKUP_HOURS
            ),
            actor_id=None,
        )
        for code in area_codes
        for fields in DEMO_REWARDS
    ]
