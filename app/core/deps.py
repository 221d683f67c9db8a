"""FastAPI dependencies: the runtime, a session per request, the calling account."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus, RevokedToken, Role
from app.core.config import Settings
from app.core.errors import Forbidden, Unauthorized
from app.core.runtime import Runtime
from app.core.security import TokenClaims, read_token

PENDING_REFUSAL = "报到备案审核通过后才能使用。Only approved riders may do this."
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


# The trivial dependencies are `async def` on purpose: FastAPI runs a sync dependency in the
# threadpool, and a thread hop per dependency per request costs more than the work.
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_address_of(request: Request) -> str:
    """The caller's address (behind a trusted proxy, the client's), cut to the columns' 64."""
    return (request.client.host if request.client else "-")[:64]


def get_session(request: Request, runtime: RuntimeDep) -> Iterator[Session]:
    """One session per request; requests that may write take SQLite's write lock at BEGIN."""
    bind = runtime.engine if request.method in READ_METHODS else runtime.writer
    with Session(bind, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True)
class Caller:
    """The account a request acts as, and the token it came with."""

    account: Account
    token: TokenClaims


def authenticate_bearer(session: Session, settings: Settings, token: str | None) -> Caller:
    """The caller named by a valid, unrevoked bearer token; 401 otherwise."""
    if not token:
        raise Unauthorized("Send Authorization: Bearer <token> (POST /api/v1/auth/token).")
    claims = read_token(token, secret_key=settings.secret_key)
    found = None
    if claims is not None:
        found = session.exec(
            select(Account, RevokedToken.jti)
            .outerjoin(RevokedToken, col(RevokedToken.jti) == claims.token_id)
            .where(Account.id == claims.account_id)
        ).first()
    if claims is None or found is None or found[1] is not None:
        raise Unauthorized("The token is invalid or has expired; log in again.")
    account = found[0]
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.PENDING):
        raise Unauthorized("This account is not active.")
    return Caller(account, claims)


def get_signed_in_account(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Account:
    """The account named by the bearer token, active or still awaiting approval."""
    return authenticate_bearer(session, settings, token).account


def get_current_account(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Account:
    """The active account named by the bearer token; 401 without one, 403 while pending.

    A rider awaiting approval may only see their status and edit their registration (routes
    that say so take SignedInAccount); everything else needs an approved account.
    """
    account = authenticate_bearer(session, settings, token).account
    if account.status is AccountStatus.PENDING:
        raise Forbidden(PENDING_REFUSAL)
    return account


def get_caller(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Caller:
    return authenticate_bearer(session, settings, token)


SignedInAccount = Annotated[Account, Depends(get_signed_in_account)]
CallerDep = Annotated[Caller, Depends(get_caller)]
CurrentAccount = Annotated[Account, Depends(get_current_account)]


def require_roles(*roles: Role) -> Callable[[Account], Account]:
    """A dependency that admits only accounts of the given roles (403 for the others)."""

    def _check(account: CurrentAccount) -> Account:
        if account.role not in roles:
            raise Forbidden("Your role may not do this.")
        return account

    return _check


AdminAccount = Annotated[Account, Depends(require_roles(Role.ADMIN))]
StaffAccount = Annotated[Account, Depends(require_roles(Role.ADMIN, Role.COORDINATOR))]
