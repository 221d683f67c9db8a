"""Slowing password guessers without locking anyone out.

A username is never locked: each (username, address) pair waits 2^(n-1) seconds after its n-th
recent failure, up to a cap, so a guesser slows down while the owner logs in at once from their
own address. An address that sprays many usernames waits a few seconds between failures, which a
person behind the same carrier NAT hardly notices. Failures live in the database, so every worker
process sees them; an attempt refused for waiting is not a failure and verifies no password.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.accounts.models import LoginFailure
from app.core import clock
from app.core.config import Settings
from app.core.errors import TooManyRequests
from app.core.messages import Message

# The address-wide count looks back only this far: spraying is a burst, NAT typos are not.
ADDRESS_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class RecentFailures:
    count: int
    last_at: datetime | None


def pair_delay_s(failures: int, cap_s: int) -> int:
    """Seconds a (username, address) pair waits after `failures` recent failures."""
    return 0 if failures <= 0 else min(2 ** min(failures - 1, 30), cap_s)


def address_delay_s(failures: int, *, free_failures: int, delay_s: int) -> int:
    """Seconds any login from an address waits once it has sprayed `free_failures` failures."""
    return delay_s if failures >= free_failures else 0


def refuse_while_waiting(
    session: Session, settings: Settings, *, username: str, client_address: str
) -> None:
    """429 with Retry-After when this pair, or this address, must still wait."""
    now = clock.utcnow()
    pair, address = _recent_failures(session, settings, now, username, client_address)
    waits = [
        _remaining_s(now, pair.last_at, pair_delay_s(pair.count, settings.login_delay_cap_seconds)),
        _remaining_s(
            now,
            address.last_at,
            address_delay_s(
                address.count,
                free_failures=settings.login_address_free_failures,
                delay_s=settings.login_address_delay_seconds,
            ),
        ),
    ]
    if (wait_s := max(waits)) > 0:
        raise TooManyRequests(
            Message("accounts.too-many-logins", seconds=wait_s),
            retry_after_s=wait_s,
        )


def record_failure(
    session: Session, settings: Settings, *, username: str, client_address: str
) -> None:
    """Count one failure and forget those too old to matter (the caller commits)."""
    now = clock.utcnow()
    session.add(LoginFailure(username=username, client_address=client_address, created_at=now))
    forget_before = now - timedelta(minutes=settings.login_failure_window_minutes)
    session.exec(delete(LoginFailure).where(col(LoginFailure.created_at) < forget_before))


def forget_failures(session: Session, *, username: str, client_address: str) -> None:
    """A login that succeeded clears its own pair's failures (the caller commits)."""
    session.exec(
        delete(LoginFailure).where(
            col(LoginFailure.username) == username,
            col(LoginFailure.client_address) == client_address,
        )
    )


def _recent_failures(
    session: Session, settings: Settings, now: datetime, username: str, client_address: str
) -> tuple[RecentFailures, RecentFailures]:
    pair_since = now - timedelta(minutes=settings.login_failure_window_minutes)
    address_since = now - ADDRESS_WINDOW
    is_pair = (col(LoginFailure.username) == username) & (
        col(LoginFailure.created_at) >= pair_since
    )
    is_address = col(LoginFailure.created_at) >= address_since
    pair_count, pair_last, address_count, address_last = session.exec(
        select(
            func.count().filter(is_pair),
            func.max(LoginFailure.created_at).filter(is_pair),
            func.count().filter(is_address),
            func.max(LoginFailure.created_at).filter(is_address),
        ).where(
            col(LoginFailure.client_address) == client_address,
            col(LoginFailure.created_at) >= min(pair_since, address_since),
        )
    ).one()
    return RecentFailures(pair_count, pair_last), RecentFailures(address_count, address_last)


def _remaining_s(now: datetime, last_at: datetime | None, delay_s: int) -> int:
    if last_at is None or delay_s <= 0:
        return 0
    return max(0, math.ceil((last_at + timedelta(seconds=delay_s) - now).total_seconds()))
