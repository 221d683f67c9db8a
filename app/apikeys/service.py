"""API keys: made once and shown once, stored as a hash, checked on every call, revoked at once."""

import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.accounts.keys import KEY_PREFIX, PUBLIC_LENGTH, digest
from app.accounts.models import Account, AccountArea, AccountStatus, ApiKey, ApiScope, Role
from app.core.clock import utcnow
from app.core.errors import NotFound, Unprocessable
from app.core.messages import Message
from app.grids.models import Grid, GridLevel
from app.units.models import Unit

# An account of a key can never log in: this is not an argon2 hash, so no password matches it.
UNUSABLE_PASSWORD = "!api-key"
AREA_LEVELS = frozenset({GridLevel.STREET, GridLevel.COMMUNITY})


@dataclass(frozen=True)
class NewKey:
    """What an admin asks for."""

    name: str
    scopes: frozenset[ApiScope]
    community_code: str | None
    unit_code: str | None
    rate_limit_per_minute: int


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str


def create_key(session: Session, request: NewKey, *, created_by: Account) -> IssuedKey:
    """A new key and the account it acts through (flushes; the caller commits)."""
    assert created_by.id is not None
    unit = _unit_named(session, request.unit_code)
    community = _area_named(session, request.community_code)
    if unit is not None and community is not None:
        _check_unit_inside(session, unit, community)
    public = secrets.token_urlsafe(8)[:PUBLIC_LENGTH].replace("_", "x").replace("-", "y")
    raw_key = f"{KEY_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    account = Account(
        username=f"api-key:{public}",
        password_hash=UNUSABLE_PASSWORD,
        role=_role_for(unit, community),
        status=AccountStatus.ACTIVE,
        display_name=request.name,
        unit_id=unit.id if unit is not None else None,
        is_integration=True,
    )
    session.add(account)
    session.flush()
    assert account.id is not None
    if community is not None and unit is None:
        session.add(AccountArea(account_id=account.id, area_code=community.code))
    api_key = ApiKey(
        name=request.name,
        prefix=public,
        key_hash=digest(raw_key),
        scopes=" ".join(sorted(request.scopes)),
        account_id=account.id,
        community_code=community.code if community is not None else None,
        unit_id=unit.id if unit is not None else None,
        rate_limit_per_minute=request.rate_limit_per_minute,
        created_by_id=created_by.id,
    )
    session.add(api_key)
    session.flush()
    return IssuedKey(api_key, raw_key)


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, revoked ones included, newest first."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id).desc())).all())


def revoke_key(session: Session, key_id: int) -> ApiKey:
    """Revoke a key: its very next request is a 401 (flushes; the caller commits)."""
    api_key = session.get(ApiKey, key_id)
    if api_key is None:
        raise NotFound(Message("apikeys.no-key", key_id=key_id))
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        account = session.get(Account, api_key.account_id)
        assert account is not None
        account.status = AccountStatus.DISABLED
        session.add_all([api_key, account])
        session.flush()
    return api_key


def _role_for(unit: Unit | None, community: Grid | None) -> Role:
    if unit is not None:
        return Role.UNIT
    return Role.COORDINATOR if community is not None else Role.ADMIN


def _unit_named(session: Session, code: str | None) -> Unit | None:
    if code is None:
        return None
    unit = session.exec(select(Unit).where(Unit.code == code)).first()
    if unit is None:
        raise Unprocessable.for_field("unit_code", Message("units.no-unit", code=code))
    return unit


def _area_named(session: Session, code: str | None) -> Grid | None:
    if code is None:
        return None
    area = session.exec(select(Grid).where(Grid.code == code)).first()
    if area is None or area.level not in AREA_LEVELS:
        raise Unprocessable.for_field("community_code", Message("apikeys.no-area", code=code))
    return area


def _check_unit_inside(session: Session, unit: Unit, area: Grid) -> None:
    unit_area = session.exec(select(Grid).where(Grid.code == unit.community_code)).first()
    if unit_area is None or not unit_area.path.startswith(area.path):
        raise Unprocessable.for_field(
            "unit_code", Message("apikeys.unit-outside-area", unit=unit.code, area=area.code)
        )
