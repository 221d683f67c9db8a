"""The points ledger: rule awards paid once per source within the daily cap, manual adjustments,
balances and monthly statements. Every balance change is an entry in the same transaction."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.core.clock import utcnow
from app.core.conditional import update_or_conflict
from app.core.errors import ClientIdReused, NotEnoughPoints, NotFound
from app.core.messages import Message
from app.points.models import PointsAccount, PointsEntry, PointsRule
from app.points.periods import local_day_start, month_bounds
from app.points.rules import (
    DEFAULT_RULES,
    RULE_KINDS,
    SPENDING_KINDS,
    EntryKind,
    PointsRuleCode,
    capped_points,
)
from app.riders.service import active_rider, rider_in_scope

CAPPED_NOTE = "（已达每日积分上限）"


def rule_value(session: Session, code: PointsRuleCode) -> int:
    """The current value of a rule (its default if the row is missing)."""
    points = session.exec(select(PointsRule.points).where(PointsRule.code == code)).first()
    if points is None:
        return next(rule.points for rule in DEFAULT_RULES if rule.code is code)
    return points


def list_rules(session: Session) -> list[PointsRule]:
    """Every rule in the order of the defaults."""
    order = {rule.code: index for index, rule in enumerate(DEFAULT_RULES)}
    return sorted(session.exec(select(PointsRule)), key=lambda rule: order.get(rule.code, 99))


def update_rule(
    session: Session, code: PointsRuleCode, *, points: int, actor_id: int
) -> PointsRule:
    """Change a rule from now on; entries already made keep the value they stamped (flushes)."""
    rule = session.get(PointsRule, code)
    if rule is None:
        raise NotFound(Message("points.no-rule", code=code.value))
    rule.points, rule.updated_at, rule.updated_by_id = points, utcnow(), actor_id
    session.add(rule)
    session.flush()
    return rule


def lock_account(session: Session, rider_id: int) -> None:
    """Hold the rider's balance row for this transaction, creating it at zero if missing.

    PostgreSQL: SELECT … FOR UPDATE, so reads that decide a write (caps, limits, "paid
    already?") see every earlier writer's result. SQLite: writers are serialized by BEGIN
    IMMEDIATE, and FOR UPDATE is not rendered.
    """
    query = select(PointsAccount.rider_id).where(PointsAccount.rider_id == rider_id)
    if session.exec(query.with_for_update()).first() is not None:
        return
    try:
        with session.begin_nested():
            session.add(PointsAccount(rider_id=rider_id))
    except IntegrityError:
        pass  # another transaction created it first; the lock below waits for it
    session.exec(query.with_for_update()).one()


def post_entry(
    session: Session,
    *,
    rider_id: int,
    amount: int,
    kind: EntryKind,
    source_id: str,
    reason: str,
    actor_id: int | None,
    report_id: int | None = None,
    rule_points: int | None = None,
    at: datetime | None = None,
) -> PointsEntry:
    """Append an entry and move the balance with it (flushes); 409 if the balance would go
    below zero. The caller has locked the account (lock_account) or needs no prior read."""
    now = at or utcnow()
    # Conditional: the balance check and the change are one statement, so no race makes it
    # negative; the CHECK constraint on the table is the last line of defence.
    update_or_conflict(
        session,
        PointsAccount,
        rider_id,
        col(PointsAccount.balance) + amount >= 0,
        values={"balance": col(PointsAccount.balance) + amount, "updated_at": now},
        conflict=lambda: NotEnoughPoints(Message("points.not-enough", needed=-amount)),
    )
    entry = PointsEntry(
        rider_id=rider_id,
        amount=amount,
        kind=kind,
        source_id=source_id,
        reason=reason,
        report_id=report_id,
        rule_points=rule_points,
        created_by_id=actor_id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def award(
    session: Session,
    *,
    rider_id: int,
    kind: EntryKind,
    source_id: str,
    rule_points: int,
    reason: str,
    actor_id: int | None,
    report_id: int | None = None,
) -> PointsEntry | None:
    """Pay a rule award to an active rider once per (kind, source), within the daily cap.

    None when nothing is owed: not an active rider (pending riders earn nothing, and approval
    pays nothing retroactively), a rule worth 0, or this source was paid already. An award the
    cap cuts to 0 is still recorded, so the rider sees why and the source is spent.
    """
    assert kind in RULE_KINDS
    if rule_points <= 0 or active_rider(session, rider_id) is None:
        return None
    lock_account(session, rider_id)
    if entry_for_source(session, rider_id, kind, source_id) is not None:
        return None
    now = utcnow()
    earned_today = session.exec(
        select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
            PointsEntry.rider_id == rider_id,
            col(PointsEntry.kind).in_(RULE_KINDS),
            PointsEntry.created_at >= local_day_start(now),
        )
    ).one()
    daily_cap = rule_value(session, PointsRuleCode.DAILY_CAP)
    amount = capped_points(rule_points, int(earned_today), daily_cap)
    return post_entry(
        session,
        rider_id=rider_id,
        amount=amount,
        kind=kind,
        source_id=source_id,
        reason=reason if amount == rule_points else reason + CAPPED_NOTE,
        actor_id=actor_id,
        report_id=report_id,
        rule_points=rule_points,
        at=now,
    )


def pay_for_notice_share(session: Session, *, rider_id: int, notice_id: int, title: str) -> None:
    """Passing a policy notice on earns points once per notice."""
    award(
        session,
        rider_id=rider_id,
        kind=EntryKind.NOTICE_SHARE,
        source_id=str(notice_id),
        rule_points=rule_value(session, PointsRuleCode.NOTICE_SHARED),
        reason=f"转发政策宣讲：{title}",
        actor_id=rider_id,
    )


def reverse_award(
    session: Session,
    *,
    rider_id: int,
    kind: EntryKind,
    source_id: str,
    reason: str,
    actor_id: int | None,
    report_id: int | None = None,
) -> PointsEntry | None:
    """Take back what (kind, source) paid, once, as far as the balance allows (flushes).

    Points may have been spent already; the balance never goes negative, so the reversal is
    cut to the balance and says so.
    """
    lock_account(session, rider_id)
    paid = entry_for_source(session, rider_id, kind, source_id)
    if paid is None or paid.amount <= 0:
        return None
    if entry_for_source(session, rider_id, EntryKind.REPORT_REVERSED, source_id) is not None:
        return None
    amount = min(paid.amount, balance_of(session, rider_id))
    if amount < paid.amount:
        reason += f"（余额不足，仅撤回 {amount} 分）"
    return post_entry(
        session,
        rider_id=rider_id,
        amount=-amount,
        kind=EntryKind.REPORT_REVERSED,
        source_id=source_id,
        reason=reason,
        actor_id=actor_id,
        report_id=report_id,
    )


def adjust(
    session: Session,
    scope: Scope,
    *,
    rider_id: int,
    amount: int,
    reason: str,
    actor_id: int,
    client_id: str | None,
) -> tuple[PointsEntry, bool]:
    """A manual entry by an area manager for a rider they cover; (entry, created).

    With a client_id a retry returns the entry already made; the same client_id with other
    values is a 409. A deduction beyond the balance is a 409.
    """
    rider_in_scope(session, scope, rider_id)
    lock_account(session, rider_id)
    source_id = client_id or uuid.uuid4().hex
    existing = entry_for_source(session, rider_id, EntryKind.ADJUSTMENT, source_id)
    if existing is not None:
        if (existing.amount, existing.reason) != (amount, reason):
            raise ClientIdReused(Message("points.client-id-reused"))
        return existing, False
    entry = post_entry(
        session,
        rider_id=rider_id,
        amount=amount,
        kind=EntryKind.ADJUSTMENT,
        source_id=source_id,
        reason=reason,
        actor_id=actor_id,
    )
    return entry, True


def entry_for_source(
    session: Session, rider_id: int, kind: EntryKind, source_id: str
) -> PointsEntry | None:
    """The entry an event made for a rider, if any."""
    return session.exec(
        select(PointsEntry).where(
            PointsEntry.rider_id == rider_id,
            PointsEntry.kind == kind,
            PointsEntry.source_id == source_id,
        )
    ).first()


def balance_of(session: Session, rider_id: int) -> int:
    """A rider's balance (0 before the first entry)."""
    balance = session.exec(
        select(PointsAccount.balance).where(PointsAccount.rider_id == rider_id)
    ).first()
    return balance or 0


def recent_entries(session: Session, rider_id: int, *, limit: int) -> list[PointsEntry]:
    """A rider's latest entries, newest first."""
    return list(
        session.exec(
            select(PointsEntry)
            .where(PointsEntry.rider_id == rider_id)
            .order_by(col(PointsEntry.created_at).desc(), col(PointsEntry.id).desc())
            .limit(limit)
        )
    )


def month_entries(session: Session, rider_id: int, month: str) -> tuple[int, list[PointsEntry]]:
    """(opening balance, entries in order) of a local month "2026-11"; ValueError if malformed."""
    start, end = month_bounds(month)
    opening = session.exec(
        select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
            PointsEntry.rider_id == rider_id, PointsEntry.created_at < start
        )
    ).one()
    entries = session.exec(
        select(PointsEntry)
        .where(
            PointsEntry.rider_id == rider_id,
            PointsEntry.created_at >= start,
            PointsEntry.created_at < end,
        )
        .order_by(col(PointsEntry.created_at), col(PointsEntry.id))
    )
    return int(opening), list(entries)


def earned_by_rider(
    session: Session, rider_ids: Sequence[int], *, since: datetime | None
) -> dict[int, int]:
    """Points earned by service (spending and refunds left out) per rider, since a time."""
    if not rider_ids:
        return {}
    query = (
        select(PointsEntry.rider_id, func.sum(PointsEntry.amount))
        .where(
            col(PointsEntry.rider_id).in_(rider_ids),
            col(PointsEntry.kind).not_in(SPENDING_KINDS),
        )
        .group_by(col(PointsEntry.rider_id))
    )
    if since is not None:
        query = query.where(PointsEntry.created_at >= since)
    return {rider_id: int(total) for rider_id, total in session.exec(query)}
