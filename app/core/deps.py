"""FastAPI dependencies: the runtime, a session per request, the calling account."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer, SecurityScopes
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from app.accounts.models import Account, AccountStatus, RevokedToken
from app.apikeys.models import ApiScope
from app.apikeys.service import authenticate_key, record_use
from app.core.config import Settings
from app.core.errors import Forbidden, TooManyRequests, Unauthorized
from app.core.limits import SlidingWindowCounter, monotonic_s
from app.core.runtime import Runtime
from app.core.security import TokenClaims, read_token

PENDING_REFUSAL = "报到备案审核通过后才能使用。Only approved riders may do this."
T = TypeVar("T")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="An integration's key (POST /api/v1/api-keys); its scopes decide what it may call.",
)


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


class WritingSession(Session):
    """The session of a request that may write, on SQLite: its transactions take the write
    lock at BEGIN (queued in the write gate), so a read that turns into a write cannot fail.

    Its dependencies read apart (`read_apart`): FastAPI runs each dependency and the endpoint
    in a worker thread of its own, and a lock taken for the login lookup would be held while
    the request waits for the next free thread, with the threads waiting for the lock.
    """

    def __init__(self, writer: Engine, reader: Engine) -> None:
        super().__init__(writer, expire_on_commit=False)
        self.reader = reader


def get_session(request: Request, runtime: RuntimeDep) -> Iterator[Session]:
    """One session per request; requests that may write take SQLite's write lock at BEGIN."""
    if request.method in READ_METHODS:
        session = Session(runtime.engine, expire_on_commit=False)
    elif runtime.settings.is_sqlite:
        session = WritingSession(runtime.writer, runtime.engine)
    else:  # PostgreSQL locks rows, not the database: a writing request reads like any other
        session = Session(runtime.writer, expire_on_commit=False)
    with session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def read_apart(session: Session, read: Callable[[Session], T]) -> T:
    """`read(session)` for a dependency, leaving no transaction open when it returns: the
    request's next step runs in another worker thread, perhaps much later, and must not find
    a connection (or SQLite's write lock) held all that time.

    A WritingSession reads through a short read-only session whose objects are then merged into
    it without a query (committing would cost a pass through the write lock); any other session
    reads and commits (the objects stay loaded).
    """
    if not isinstance(session, WritingSession):
        result = read(session)
        session.commit()
        return result
    with Session(session.reader, expire_on_commit=False) as reader:
        result = read(reader)
    merged: T = _merged(session, result)
    return merged


def _merged(session: Session, value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_merged(session, item) for item in value)
    if isinstance(value, SQLModel):
        return session.merge(value, load=False)
    return value


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
        found = read_apart(session, lambda reader: _account_and_revocation(reader, claims))
    if claims is None or found is None or found[1] is not None or found[0].is_integration:
        raise Unauthorized("The token is invalid or has expired; log in again.")
    account = found[0]
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.PENDING):
        raise Unauthorized("This account is not active.")
    return Caller(account, claims)


def _account_and_revocation(
    session: Session, claims: TokenClaims
) -> tuple[Account, str | None] | None:
    row = session.exec(
        select(Account, RevokedToken.jti)
        .outerjoin(RevokedToken, col(RevokedToken.jti) == claims.token_id)
        .where(Account.id == claims.account_id)
    ).first()
    return None if row is None else (row[0], row[1])


def get_signed_in_account(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Account:
    """The person named by the bearer token, active or still awaiting approval."""
    if api_key:
        raise Forbidden("API keys may not use this endpoint; it is for people who log in.")
    return authenticate_bearer(session, settings, token).account


def get_current_account(
    security_scopes: SecurityScopes,
    session: SessionDep,
    runtime: RuntimeDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Account:
    """The active account named by the bearer token or the API key; 401 without a valid one,
    403 while a rider awaits approval.

    An API key may call only endpoints that declare scopes (the aliases below), and only those
    whose scopes it holds; a person's token is not limited by scopes, only by role and area. A
    rider awaiting approval may only see their status and edit their registration (routes that
    say so take SignedInAccount).
    """
    if api_key:
        return account_of_key(session, runtime, api_key, security_scopes.scopes)
    return active_account_of_token(session, runtime.settings, token)


def active_account_of_token(session: Session, settings: Settings, token: str | None) -> Account:
    """The approved account a bearer token names: 401 without a valid token, 403 while pending."""
    account = authenticate_bearer(session, settings, token).account
    if account.status is AccountStatus.PENDING:
        raise Forbidden(PENDING_REFUSAL)
    return account


def account_of_key(session: Session, runtime: Runtime, raw_key: str, scopes: list[str]) -> Account:
    """The account an API key acts through, if the key holds `scopes` and is within its rate."""
    api_key = read_apart(session, lambda reader: authenticate_key(reader, raw_key, scopes))
    # Each key has a limit of its own, so the counter's default is never used.
    limiter = runtime.caches.setdefault("api_key_rates", SlidingWindowCounter(0))
    limit = api_key.rate_limit_per_minute
    if runtime.settings.rate_limits and not limiter.hit(
        f"key:{api_key.id}", monotonic_s(), limit=limit
    ):
        raise TooManyRequests(
            f"This API key may make {api_key.rate_limit_per_minute} requests a minute."
        )
    record_use(session, api_key)
    account = read_apart(session, lambda reader: reader.get(Account, api_key.account_id))
    assert account is not None
    return account


def get_caller(
    session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Caller:
    return authenticate_bearer(session, settings, token)


SignedInAccount = Annotated[Account, Depends(get_signed_in_account)]
CallerDep = Annotated[Caller, Depends(get_caller)]
CurrentAccount = Annotated[Account, Depends(get_current_account)]


def _allowing_keys(*scopes: ApiScope) -> Any:
    return Security(get_current_account, scopes=[scope.value for scope in scopes])


# Endpoints that integrations may call too, each with the scope it needs.
ReportReader = Annotated[Account, _allowing_keys(ApiScope.REPORTS_READ)]
ReportWriter = Annotated[Account, _allowing_keys(ApiScope.REPORTS_WRITE)]
CaseWriter = Annotated[Account, _allowing_keys(ApiScope.CASES_WRITE)]
