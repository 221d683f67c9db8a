"""Accounts: creation, password login with throttling, owned areas."""

import logging
from collections.abc import Iterable

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import login_throttle
from app.accounts.models import Account, AccountArea, AccountStatus, RevokedToken, Role
from app.core.area_paths import ancestor_paths
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.errors import Conflict, Forbidden, Unauthorized, Unprocessable
from app.core.messages import Message
from app.core.security import TokenClaims, hash_password, needs_rehash, verify_password
from app.grids.models import Grid
from app.units.models import Unit

log = logging.getLogger("tantou.accounts")
MIN_PASSWORD_LENGTH = 8


def create_account(
    session: Session,
    *,
    role: Role,
    username: str,
    password: str,
    display_name: str = "",
    status: AccountStatus = AccountStatus.ACTIVE,
    area_codes: Iterable[str] = (),
    unit_code: str | None = None,
) -> Account:
    """Add an account (flushes; the caller commits)."""
    area_codes = list(dict.fromkeys(area_codes))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Unprocessable.for_field(
            "password", Message("validation.string_too_short", min_length=MIN_PASSWORD_LENGTH)
        )
    if session.exec(select(Account.id).where(Account.username == username)).first() is not None:
        raise Conflict(Message("accounts.username-taken", username=username))
    if role is Role.COORDINATOR and not area_codes:
        raise Unprocessable.for_field("grid", Message("accounts.coordinator-needs-area"))
    unit_id = None
    if role is Role.UNIT:
        unit = session.exec(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None:
            raise Unprocessable.for_field("unit", Message("units.no-unit", code=str(unit_code)))
        unit_id = unit.id
    known = set(session.exec(select(Grid.code).where(Grid.code.in_(area_codes))).all())  # type: ignore[attr-defined]
    if missing := [code for code in area_codes if code not in known]:
        raise Unprocessable.for_field(
            "grid", Message("accounts.unknown-areas", codes=", ".join(missing))
        )
    account = Account(
        username=username,
        password_hash=hash_password(password),
        role=role,
        status=status,
        display_name=display_name or username,
        unit_id=unit_id,
    )
    session.add(account)
    session.flush()
    for code in area_codes:
        session.add(AccountArea(account_id=account.id, area_code=code))  # type: ignore[arg-type]
    session.flush()
    return account


def authenticate(
    session: Session, settings: Settings, *, username: str, password: str, client_address: str
) -> Account:
    """The account for these credentials; slows repeated failures (commits failures)."""
    login_throttle.refuse_while_waiting(
        session, settings, username=username, client_address=client_address
    )
    account = session.exec(select(Account).where(Account.username == username)).first()
    if not verify_password(account.password_hash if account else None, password) or not account:
        login_throttle.record_failure(
            session, settings, username=username, client_address=client_address
        )
        session.commit()
        log.warning("login failed", extra={"username": username, "client": client_address})
        raise Unauthorized(Message("accounts.wrong-password"))
    if account.status in (AccountStatus.DISABLED, AccountStatus.REJECTED):
        raise Unauthorized(Message("accounts.inactive"))
    login_throttle.forget_failures(session, username=username, client_address=client_address)
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    session.commit()
    return account


def confirm_password(
    session: Session, settings: Settings, account: Account, *, password: str, client_address: str
) -> None:
    """403 unless `password` is the account's own (for a step that cannot be undone); wrong
    guesses count and slow down as failed logins do (commits a failure)."""
    login_throttle.refuse_while_waiting(
        session, settings, username=account.username, client_address=client_address
    )
    if verify_password(account.password_hash, password):
        return
    login_throttle.record_failure(
        session, settings, username=account.username, client_address=client_address
    )
    session.commit()
    raise Forbidden(Message("accounts.password-wrong"))


def revoke_token(session: Session, token: TokenClaims) -> None:
    """End one session: its token is refused from now on (commits)."""
    session.exec(delete(RevokedToken).where(col(RevokedToken.expires_at) < utcnow()))
    try:
        with session.begin_nested():
            session.add(RevokedToken(jti=token.token_id, expires_at=token.expires_at))
    except IntegrityError:
        pass  # logged out twice at once: it is revoked either way
    session.commit()


def area_codes_of(session: Session, account_id: int) -> list[str]:
    """The area codes a coordinator owns."""
    return list(
        session.exec(select(AccountArea.area_code).where(AccountArea.account_id == account_id))
    )


def coordinators_covering(session: Session, area_path: str | None) -> list[int]:
    """The active coordinators whose areas hold `area_path` (at or above it): those whose lists
    show what happens there."""
    if area_path is None:
        return []
    query = (
        select(Account.id)
        .join(AccountArea, col(AccountArea.account_id) == Account.id)
        .join(Grid, col(Grid.code) == AccountArea.area_code)
        .where(
            col(Grid.path).in_([*ancestor_paths(area_path), area_path]),
            Account.role == Role.COORDINATOR,
            Account.status == AccountStatus.ACTIVE,
        )
        .distinct()
    )
    return sorted(account_id for account_id in session.exec(query) if account_id is not None)
