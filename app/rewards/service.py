"""Rewards and redemptions: points and stock are taken together or not at all, and a
cancellation gives both back exactly once."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, update
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.core.area_paths import ancestor_paths, related_to_any
from app.core.clock import utcnow
from app.core.conditional import update_or_conflict
from app.core.errors import Conflict, NotEnoughPoints, NotFound, OutOfStock, Unprocessable
from app.core.messages import Message
from app.grids.models import GridLevel
from app.grids.service import grid_by_code
from app.notifications.messages import NotificationText
from app.notifications.service import notify
from app.points.periods import month_bounds, month_of
from app.points.rules import EntryKind
from app.points.service import balance_of, lock_account, post_entry
from app.rewards.models import Redemption, RedemptionStatus, Reward
from app.riders.models import RiderProfile
from app.riders.service import active_rider, community_of, in_scope

CATALOGUE_LEVELS = frozenset({GridLevel.COUNTY, GridLevel.STREET, GridLevel.COMMUNITY})


@dataclass(frozen=True)
class RewardFields:
    name: str
    cost: int
    stock: int
    description: str = ""
    picture_url: str | None = None
    monthly_limit_per_rider: int | None = None
    community_code: str | None = None


def create_reward(session: Session, fields: RewardFields, *, actor_id: int | None) -> Reward:
    """Add a reward to the catalogue of an area, or of everyone without one (flushes)."""
    area_path = None
    if fields.community_code is not None:
        area = grid_by_code(session, fields.community_code)
        if area is None or area.level not in CATALOGUE_LEVELS:
            raise Unprocessable.for_field("community_code", Message("rewards.area-code"))
        area_path = area.path
    reward = Reward(
        name=fields.name,
        description=fields.description,
        picture_url=fields.picture_url,
        cost=fields.cost,
        stock=fields.stock,
        monthly_limit_per_rider=fields.monthly_limit_per_rider,
        community_code=fields.community_code,
        area_path=area_path,
        created_by_id=actor_id,
    )
    session.add(reward)
    session.flush()
    return reward


def update_reward(
    session: Session, reward_id: int, changes: dict[str, Any], *, add_stock: int
) -> Reward:
    """Edit a reward; stock moves by `add_stock` atomically and never below zero (flushes)."""
    reward = get_reward(session, reward_id)
    if add_stock:
        # A delta, not a new total: redemptions running meanwhile are not overwritten.
        update_or_conflict(
            session,
            Reward,
            reward,
            col(Reward.stock) + add_stock >= 0,
            values={"stock": col(Reward.stock) + add_stock},
            conflict=lambda: Conflict(Message("rewards.negative-stock")),
        )
    for field, value in changes.items():
        setattr(reward, field, value)
    reward.updated_at = utcnow()
    session.add(reward)
    session.flush()
    return reward


def get_reward(session: Session, reward_id: int) -> Reward:
    """One reward, or 404."""
    reward = session.get(Reward, reward_id)
    if reward is None:
        raise NotFound(Message("rewards.no-reward", reward_id=reward_id))
    return reward


def _catalogue_of(session: Session, profile: RiderProfile) -> ColumnElement[bool]:
    community = community_of(session, profile.community_code)
    paths = [*ancestor_paths(community.path), community.path] if community else []
    return or_(col(Reward.area_path).is_(None), col(Reward.area_path).in_(paths))


def rewards_for_rider(session: Session, profile: RiderProfile) -> list[Reward]:
    """Active rewards of the rider's community, street and county, and of everyone."""
    return list(
        session.exec(
            select(Reward)
            .where(Reward.active, _catalogue_of(session, profile))
            .order_by(col(Reward.cost), col(Reward.id))
        )
    )


def rewards_in_scope(session: Session, scope: Scope) -> list[Reward]:
    """Rewards of the area manager's areas and the areas above them, inactive ones too."""
    query = select(Reward).order_by(col(Reward.id))
    if scope.area_paths is not None:
        query = query.where(
            or_(
                col(Reward.area_path).is_(None),
                related_to_any(Reward.area_path, scope.area_paths),
            )
        )
    return list(session.exec(query))


def redeem(session: Session, profile: RiderProfile, reward_id: int) -> Redemption:
    """Take the points and one item in one transaction (flushes); a 409 says why not.

    The rider's balance row is locked first, so their own concurrent redemptions queue behind
    it (the monthly count is then exact); the stock is a conditional UPDATE, so of many riders
    racing for the last items exactly as many win as there were items.
    """
    rider_id = profile.account_id
    reward = session.exec(
        select(Reward).where(Reward.id == reward_id, _catalogue_of(session, profile))
    ).first()
    if reward is None:
        raise NotFound(Message("rewards.no-reward", reward_id=reward_id))
    assert reward.id is not None
    if not reward.active:
        raise Conflict(Message("rewards.withdrawn"))
    lock_account(session, rider_id)
    # Read again under the lock: an account ended meanwhile (DELETE /me holds the same row)
    # must not be left with a pending redemption.
    if active_rider(session, rider_id) is None:
        raise Conflict(Message("rewards.rider-inactive"))
    if reward.monthly_limit_per_rider is not None:
        _check_monthly_limit(session, rider_id, reward.id, reward.monthly_limit_per_rider)
    balance = balance_of(session, rider_id)
    if balance < reward.cost:
        raise NotEnoughPoints(
            Message("rewards.not-enough-points", cost=reward.cost, balance=balance)
        )
    update_or_conflict(
        session,
        Reward,
        reward,
        col(Reward.stock) > 0,
        expected={"active": True},
        values={"stock": col(Reward.stock) - 1},
        conflict=lambda: OutOfStock(Message("rewards.out-of-stock")),
    )
    redemption = Redemption(rider_id=rider_id, reward_id=reward.id, cost=reward.cost)
    session.add(redemption)
    session.flush()
    post_entry(
        session,
        rider_id=rider_id,
        amount=-reward.cost,
        kind=EntryKind.REDEMPTION,
        source_id=str(redemption.id),
        reason=f"兑换：{reward.name}",
        actor_id=rider_id,
    )
    return redemption


def _check_monthly_limit(session: Session, rider_id: int, reward_id: int, limit: int) -> None:
    start, end = month_bounds(month_of(utcnow()))
    taken = session.exec(
        select(func.count()).where(
            Redemption.rider_id == rider_id,
            Redemption.reward_id == reward_id,
            Redemption.status != RedemptionStatus.CANCELLED,
            Redemption.created_at >= start,
            Redemption.created_at < end,
        )
    ).one()
    if taken >= limit:
        raise Conflict(Message("rewards.monthly-limit", limit=limit))


def redemption_in_scope(session: Session, scope: Scope, redemption_id: int) -> Redemption:
    """A redemption by a rider the area manager covers; 404 otherwise."""
    redemption = session.exec(
        select(Redemption)
        .join(RiderProfile, col(RiderProfile.account_id) == col(Redemption.rider_id))
        .where(Redemption.id == redemption_id, in_scope(scope))
    ).first()
    if redemption is None:
        raise NotFound(Message("rewards.no-redemption", redemption_id=redemption_id))
    return redemption


def issue(session: Session, scope: Scope, redemption_id: int, *, actor_id: int) -> Redemption:
    """The item was handed over: pending -> issued (flushes)."""
    redemption = redemption_in_scope(session, scope, redemption_id)
    _move(session, redemption, RedemptionStatus.ISSUED, issued_at=utcnow(), issued_by_id=actor_id)
    reward = get_reward(session, redemption.reward_id)
    message = NotificationText(
        "redemption_issued", Message("notifications.redemption-issued", reward=reward.name)
    )
    notify(session, [redemption.rider_id], message, dedupe_key=f"redemption:{redemption.id}")
    return redemption


def cancel(
    session: Session, scope: Scope, redemption_id: int, *, actor_id: int, reason: str
) -> Redemption:
    """pending -> cancelled, with the item back in stock and the points refunded, once."""
    redemption = redemption_in_scope(session, scope, redemption_id)
    _give_back(session, redemption, actor_id=actor_id, reason=reason)
    reward = get_reward(session, redemption.reward_id)
    message = NotificationText(
        "redemption_cancelled",
        Message("notifications.redemption-cancelled", cost=redemption.cost, reward=reward.name),
        reason,
    )
    notify(session, [redemption.rider_id], message, dedupe_key=f"redemption:{redemption.id}")
    return redemption


def cancel_pending_of_rider(session: Session, rider_id: int, *, reason: str) -> int:
    """Cancel every pending redemption of a rider (their account is ending), each item back in
    stock and its points refunded; how many. The caller holds the rider's balance row."""
    pending = session.exec(
        select(Redemption)
        .where(Redemption.rider_id == rider_id, Redemption.status == RedemptionStatus.PENDING)
        .order_by(col(Redemption.id))
    ).all()
    for redemption in pending:
        _give_back(session, redemption, actor_id=None, reason=reason)
    return len(pending)


def _give_back(
    session: Session, redemption: Redemption, *, actor_id: int | None, reason: str
) -> None:
    _move(
        session,
        redemption,
        RedemptionStatus.CANCELLED,
        cancelled_at=utcnow(),
        cancelled_by_id=actor_id,
        cancel_reason=reason,
    )
    session.execute(
        update(Reward)
        .where(col(Reward.id) == redemption.reward_id)
        .values(stock=col(Reward.stock) + 1)
        .execution_options(synchronize_session=False)
    )
    lock_account(session, redemption.rider_id)
    post_entry(
        session,
        rider_id=redemption.rider_id,
        amount=redemption.cost,
        kind=EntryKind.REDEMPTION_REFUND,
        source_id=str(redemption.id),
        reason=f"兑换已取消：{reason}",
        actor_id=actor_id,
    )


def _move(
    session: Session, redemption: Redemption, target: RedemptionStatus, **values: Any
) -> None:
    # Conditional on pending: of an issue and a cancel (or two cancels) racing, one wins.
    update_or_conflict(
        session,
        Redemption,
        redemption,
        expected={"status": RedemptionStatus.PENDING},
        values={"status": target, **values},
        conflict=lambda: Conflict(
            Message("rewards.redemption-done", status=redemption.status.value)
        ),
    )


def redemptions_of_rider(
    session: Session, rider_id: int, *, before_id: int | None, limit: int
) -> list[tuple[Redemption, Reward]]:
    """A rider's redemptions, newest first, `limit` before `before_id`."""
    query = (
        select(Redemption, Reward)
        .join(Reward, col(Reward.id) == col(Redemption.reward_id))
        .where(Redemption.rider_id == rider_id)
        .order_by(col(Redemption.id).desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(col(Redemption.id) < before_id)
    return [(redemption, reward) for redemption, reward in session.exec(query)]


def redemptions_in_scope(
    session: Session,
    scope: Scope,
    *,
    status: RedemptionStatus | None,
    before_id: int | None,
    limit: int,
) -> list[tuple[Redemption, Reward, RiderProfile]]:
    """Redemptions by riders the area manager covers, newest first, `limit` before `before_id`."""
    query = (
        select(Redemption, Reward, RiderProfile)
        .join(Reward, col(Reward.id) == col(Redemption.reward_id))
        .join(RiderProfile, col(RiderProfile.account_id) == col(Redemption.rider_id))
        .where(in_scope(scope))
        .order_by(col(Redemption.id).desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(Redemption.status == status)
    if before_id is not None:
        query = query.where(col(Redemption.id) < before_id)
    return [(redemption, reward, profile) for redemption, reward, profile in session.exec(query)]
