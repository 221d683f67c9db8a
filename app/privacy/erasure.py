"""DELETE /me: a rider ends their account.

The account row stays as a tombstone, because the city's record points to it (the reports and
their timelines, the points ledger that the stock and points totals add up from), but nothing
in it names the person any more: the phone and name are gone with the rider profile, the
username and display name become placeholders, the password can never match, and every token
of the account is refused from then on (the bearer check refuses an account that is not active).

Concurrency: the rider's balance row is held first, as a redemption holds it before it reads
the account, so a redemption racing the deletion either lands first (and is cancelled here) or
finds the rider gone; taking the same row first also keeps the two from deadlocking on the
account row, which a redemption's foreign key touches. The account's status then flips by a
conditional UPDATE, so of two calls at once exactly one ends the account and the other is a 401.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlmodel import Session, col

from app.accounts.models import Account, AccountStatus, LoginFailure, RevokedToken
from app.core.conditional import update_where
from app.core.errors import Unauthorized
from app.core.messages import Message
from app.core.security import TokenClaims
from app.notifications.models import Notification
from app.points.service import lock_account
from app.reports.models import ReportSupporter
from app.rewards.service import cancel_pending_of_rider
from app.riders.models import RiderProfile, Team

ERASED_NAME = "已注销骑手"
# Not an argon2 hash: verifying any password against it fails.
UNUSABLE_PASSWORD_HASH = "!account-ended"
CANCEL_REASON = "骑手已注销账号 (account ended)"


@dataclass(frozen=True)
class AccountEnded:
    cancelled_redemptions: int


def end_rider_account(session: Session, account: Account, token: TokenClaims) -> AccountEnded:
    """Erase the rider's personal data and end the account (flushes; the caller commits).

    401 if the account was ended already (a second call, or one racing this)."""
    assert account.id is not None
    phone = account.username
    lock_account(session, account.id)
    ended = update_where(
        session,
        Account,
        account.id,
        col(Account.status).in_([AccountStatus.ACTIVE, AccountStatus.PENDING]),
        values={
            "status": AccountStatus.DELETED,
            "username": f"deleted:{secrets.token_hex(12)}",
            "display_name": ERASED_NAME,
            "password_hash": UNUSABLE_PASSWORD_HASH,
        },
    )
    if not ended:
        raise Unauthorized(Message("privacy.account-ended"))
    cancelled = cancel_pending_of_rider(session, account.id, reason=CANCEL_REASON)
    session.execute(
        update(Team)
        .where(col(Team.leader_account_id) == account.id)
        .values(leader_account_id=None)
        .execution_options(synchronize_session=False)
    )
    for statement in (
        delete(RiderProfile).where(col(RiderProfile.account_id) == account.id),
        delete(Notification).where(col(Notification.account_id) == account.id),
        delete(ReportSupporter).where(col(ReportSupporter.rider_id) == account.id),
        delete(LoginFailure).where(col(LoginFailure.username) == phone),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    session.add(RevokedToken(jti=token.token_id, expires_at=token.expires_at))
    session.flush()
    return AccountEnded(cancelled_redemptions=cancelled)
