"""The rewards catalogue and redemptions (兑换)."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from app.accounts.access import RIDERS
from app.accounts.deps import (
    AdminAccount,
    AreaManagerAccount,
    CurrentScope,
    RiderAccount,
    RiderOrAreaManagerAccount,
)
from app.core.deps import ReadSession, WriteSession
from app.core.inputs import DbId
from app.core.pagination import parse_id_cursor
from app.rewards import service
from app.rewards.models import Redemption, RedemptionStatus, Reward
from app.rewards.schemas import (
    CancelRequest,
    IssueRequest,
    RedemptionList,
    RedemptionPublic,
    RedemptionRequest,
    RewardCreate,
    RewardList,
    RewardPublic,
    RewardUpdate,
)
from app.riders.deps import ActiveRider
from app.riders.public import RiderBrief, rider_brief
from app.riders.service import own_profile

router = APIRouter(tags=["rewards"])


def _reward(reward: Reward) -> RewardPublic:
    return RewardPublic.model_validate(reward, from_attributes=True)


def _redemption(
    redemption: Redemption,
    reward: Reward,
    rider: RiderBrief | None = None,
    *,
    for_its_rider: bool = False,
) -> RedemptionPublic:
    assert redemption.id is not None
    return RedemptionPublic(
        id=redemption.id,
        reward_id=redemption.reward_id,
        reward_name=reward.name,
        cost=redemption.cost,
        status=redemption.status,
        created_at=redemption.created_at,
        issued_at=redemption.issued_at,
        cancelled_at=redemption.cancelled_at,
        cancel_reason=redemption.cancel_reason,
        picture_url=reward.picture_url,
        pickup_place=reward.pickup_place,
        pickup_hours=reward.pickup_hours,
        pickup_code=redemption.pickup_code if for_its_rider else None,
        rider=rider,
    )


@router.post("/rewards", response_model=RewardPublic, status_code=status.HTTP_201_CREATED)
def create_reward(body: RewardCreate, session: WriteSession, admin: AdminAccount) -> RewardPublic:
    """Add a reward to a street's or community's catalogue (or everyone's, without one)."""
    reward = service.create_reward(
        session, service.RewardFields(**body.model_dump()), actor_id=admin.id
    )
    session.commit()
    return _reward(reward)


@router.patch("/rewards/{reward_id}", response_model=RewardPublic)
def update_reward(
    reward_id: DbId, body: RewardUpdate, session: WriteSession, _admin: AdminAccount
) -> RewardPublic:
    """Edit a reward, restock it (add_stock), or take it off the catalogue (active false)."""
    changes = body.model_dump(exclude_unset=True, exclude={"add_stock"})
    reward = service.update_reward(session, reward_id, changes, add_stock=body.add_stock)
    session.commit()
    return _reward(reward)


@router.get("/rewards", response_model=RewardList)
def list_rewards(
    session: ReadSession, account: RiderOrAreaManagerAccount, scope: CurrentScope
) -> RewardList:
    """Riders: what they can redeem; admins and coordinators: the catalogues of their areas."""
    if RIDERS.admits(account.role):
        profile, _rider = own_profile(session, account)
        rewards = service.rewards_for_rider(session, profile)
    else:
        rewards = service.rewards_in_scope(session, scope)
    return RewardList(items=[_reward(reward) for reward in rewards])


@router.post("/redemptions", response_model=RedemptionPublic, status_code=status.HTTP_201_CREATED)
def redeem(body: RedemptionRequest, session: WriteSession, rider: ActiveRider) -> RedemptionPublic:
    """Redeem a reward: points and one item taken at once; 409 says why when refused. The
    answer carries the pick-up code to show when collecting the item."""
    redemption = service.redeem(session, rider, body.reward_id)
    reward = service.get_reward(session, redemption.reward_id)
    session.commit()
    return _redemption(redemption, reward, for_its_rider=True)


@router.get("/me/redemptions", response_model=RedemptionList)
def my_redemptions(
    session: ReadSession,
    rider: RiderAccount,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> RedemptionList:
    """My redemptions, newest first. Pass `next_cursor` back as `cursor` for the next page."""
    profile, _account = own_profile(session, rider)
    rows = service.redemptions_of_rider(
        session, profile.account_id, before_id=parse_id_cursor(cursor), limit=limit
    )
    items = [_redemption(redemption, reward, for_its_rider=True) for redemption, reward in rows]
    next_cursor = str(items[-1].id) if len(items) == limit else None
    return RedemptionList(items=items, next_cursor=next_cursor)


@router.get("/redemptions", response_model=RedemptionList)
def list_redemptions(
    session: ReadSession,
    manager: AreaManagerAccount,
    scope: CurrentScope,
    status: RedemptionStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> RedemptionList:
    """Redemptions by riders in the caller's areas (e.g. pending ones to hand out)."""
    rows = service.redemptions_in_scope(
        session,
        scope,
        status=status,
        before_id=parse_id_cursor(cursor),
        limit=limit,
    )
    items = [
        _redemption(redemption, reward, rider_brief(profile, viewer=manager))
        for redemption, reward, profile in rows
    ]
    next_cursor = str(items[-1].id) if len(items) == limit else None
    return RedemptionList(items=items, next_cursor=next_cursor)


@router.post("/redemptions/{redemption_id}/issue", response_model=RedemptionPublic)
def issue_redemption(
    redemption_id: DbId,
    body: IssueRequest,
    session: WriteSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
) -> RedemptionPublic:
    """The item was handed to the rider, who showed the redemption's code (422 if wrong)."""
    redemption = service.issue(
        session, scope, redemption_id, actor_id=scope.account_id, pickup_code=body.pickup_code
    )
    reward = service.get_reward(session, redemption.reward_id)
    session.commit()
    return _redemption(redemption, reward)


@router.post("/redemptions/{redemption_id}/cancel", response_model=RedemptionPublic)
def cancel_redemption(
    redemption_id: DbId,
    body: CancelRequest,
    session: WriteSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
) -> RedemptionPublic:
    """Cancel a pending redemption: the item goes back to stock and the points to the rider."""
    redemption = service.cancel(
        session, scope, redemption_id, actor_id=scope.account_id, reason=body.reason
    )
    reward = service.get_reward(session, redemption.reward_id)
    session.commit()
    return _redemption(redemption, reward)
