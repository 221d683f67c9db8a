"""FastAPI dependencies: the calling account (bearer token or API key), the role guards and the
caller's scope.

The account dependencies read in the ReadSession: on SQLite a dependency must not take the write
lock, since FastAPI runs each dependency and the endpoint in a worker thread of its own, and a
lock held while the request waits for its next thread would stall every writer.

A guard admits the accounts one rule admits (`admitting(rule)`); the scope is read once per
request from the same account dependency the route uses, so an API key is checked (and
counted) once.
"""

from dataclasses import dataclass
from typing import Annotated, Any, get_args

from fastapi import Depends, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer, SecurityScopes
from sqlmodel import Session, col, select

from app.accounts.access import ADMINS, AREA_MANAGERS, RIDERS, RoleRule
from app.accounts.keys import authenticate_key, record_use
from app.accounts.models import Account, AccountStatus, ApiScope, RevokedToken
from app.accounts.scope import Scope, scope_of
from app.core import rate_windows
from app.core.config import Settings
from app.core.deps import ReadSession, RuntimeDep, SettingsDep, read_apart
from app.core.errors import Forbidden, TooManyRequests, Unauthorized
from app.core.messages import Message
from app.core.runtime import Runtime
from app.core.security import TokenClaims, read_token

PENDING_REFUSAL = Message("accounts.pending")
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="An integration's key (POST /api/v1/api-keys); its scopes decide what it may call.",
)


@dataclass(frozen=True)
class Caller:
    """The account a request acts as, and the token it came with."""

    account: Account
    token: TokenClaims


def authenticate_bearer(session: Session, settings: Settings, token: str | None) -> Caller:
    """The caller named by a valid, unrevoked bearer token; 401 otherwise."""
    if not token:
        raise Unauthorized(Message("accounts.no-credentials"))
    claims = read_token(token, secret_key=settings.secret_key)
    found = None
    if claims is not None:
        found = read_apart(session, lambda reader: _account_and_revocation(reader, claims))
    if claims is None or found is None or found[1] is not None or found[0].is_integration:
        raise Unauthorized(Message("accounts.bad-token"))
    account = found[0]
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.PENDING):
        raise Unauthorized(Message("accounts.inactive"))
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
    session: ReadSession,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Account:
    """The person named by the bearer token, active or still awaiting approval."""
    if api_key:
        raise Forbidden(Message("accounts.people-only"))
    return authenticate_bearer(session, settings, token).account


def get_current_account(
    security_scopes: SecurityScopes,
    session: ReadSession,
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
    limit = api_key.rate_limit_per_minute
    if runtime.settings.rate_limits and not rate_windows.hit_in_own_transaction(
        runtime.writer, [f"key:{api_key.id}"], rate_windows.wall_clock_s(), limit
    ):
        raise TooManyRequests(
            Message("accounts.key-rate-limited", limit=api_key.rate_limit_per_minute)
        )
    # Best effort in the read session, as the key's reads: it commits at once, holding nothing.
    record_use(session, api_key)
    account = read_apart(session, lambda reader: reader.get(Account, api_key.account_id))
    assert account is not None
    return account


def get_caller(
    session: ReadSession,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
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


def _dependency_of(account_alias: Any) -> Any:
    """The `Depends`/`Security` marker of an `Annotated[Account, ...]` alias."""
    _account, marker = get_args(account_alias)
    return marker


def admitting(rule: RoleRule, account_alias: Any = CurrentAccount) -> Any:
    """A dependency giving the account `account_alias` gives if `rule` admits its role."""
    account_dependency = _dependency_of(account_alias)

    async def guard(account: Account = account_dependency) -> Account:
        rule.check(account.role)
        return account

    return Depends(guard)


def scope_from(account_alias: Any) -> Any:
    """A dependency giving the scope of the account `account_alias` gives."""
    account_dependency = _dependency_of(account_alias)

    def current_scope(session: ReadSession, account: Account = account_dependency) -> Scope:
        return read_apart(session, lambda reader: scope_of(reader, account))

    return Depends(current_scope)


AdminAccount = Annotated[Account, admitting(ADMINS)]
AreaManagerAccount = Annotated[Account, admitting(AREA_MANAGERS)]
RiderAccount = Annotated[Account, admitting(RIDERS)]
# Routes that show riders their own side of something and area managers their areas'.
RiderOrAreaManagerAccount = Annotated[Account, admitting(RIDERS | AREA_MANAGERS)]

CurrentScope = Annotated[Scope, scope_from(CurrentAccount)]
ReportReaderScope = Annotated[Scope, scope_from(ReportReader)]
ReportWriterScope = Annotated[Scope, scope_from(ReportWriter)]
CaseWriterScope = Annotated[Scope, scope_from(CaseWriter)]
