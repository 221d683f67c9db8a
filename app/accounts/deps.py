"""Role guards and the caller's scope, as route dependencies.

A guard admits the accounts one rule admits (`admitting(rule)`); the scope is read once per
request from the same account dependency the route uses, so an API key is checked (and
counted) once.
"""

from typing import Annotated, Any, get_args

from fastapi import Depends

from app.accounts.access import ADMINS, AREA_MANAGERS, RIDERS, RoleRule
from app.accounts.models import Account
from app.accounts.scope import Scope, scope_of
from app.core.deps import (
    CaseWriter,
    CurrentAccount,
    ReportReader,
    ReportWriter,
    SessionDep,
    read_apart,
)


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

    def current_scope(session: SessionDep, account: Account = account_dependency) -> Scope:
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
