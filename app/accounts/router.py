"""Login, the caller's own account, and the logins of handling units' staff."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import Session

from app.accounts import service, unit_staff
from app.accounts.deps import AreaManagerAccount, CallerDep, CurrentScope, SignedInAccount
from app.accounts.models import USERNAME_MAX_CHARS, Account, AccountPublic
from app.accounts.schemas import (
    StaffAccountCreate,
    StaffAccountList,
    StaffAccountPublic,
    StaffAccountStatus,
    TokenResponse,
)
from app.accounts.scope import Scope
from app.core.deps import ReadSession, SettingsDep, WriteSession, client_address_of
from app.core.errors import Forbidden, Unprocessable
from app.core.inputs import DbId
from app.core.messages import Message
from app.core.security import issue_token
from app.units.models import Unit
from app.units.service import visible_unit

router = APIRouter(tags=["accounts"])


@router.post("/auth/token", response_model=TokenResponse)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: WriteSession,
    settings: SettingsDep,
) -> TokenResponse:
    """OAuth2 password flow; riders use their phone number as the username."""
    if len(form.username) > USERNAME_MAX_CHARS:
        raise Unprocessable.for_field(
            "username", Message("accounts.username-too-long", max_length=USERNAME_MAX_CHARS)
        )
    client_address = client_address_of(request)
    account = service.authenticate(
        session,
        settings,
        username=form.username,
        password=form.password,
        client_address=client_address,
    )
    assert account.id is not None
    token = issue_token(
        account.id,
        secret_key=settings.secret_key,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    return TokenResponse(access_token=token.access_token, expires_in=token.expires_in)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: WriteSession, caller: CallerDep) -> Response:
    """End this session on the server: its token is refused from now on, wherever it was copied."""
    service.revoke_token(session, caller.token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=AccountPublic)
def me(account: SignedInAccount) -> AccountPublic:
    """Who am I, and whether my registration is approved yet (a pending rider may ask)."""
    return AccountPublic.model_validate(account, from_attributes=True)


@router.get("/units/{unit_id}/accounts", response_model=StaffAccountList)
def list_unit_staff(
    unit_id: DbId, session: ReadSession, _manager: AreaManagerAccount, scope: CurrentScope
) -> StaffAccountList:
    """The logins of a unit the caller lists."""
    visible_unit(session, unit_id, scope.area_paths)
    return StaffAccountList(items=[_staff(a) for a in unit_staff.staff_of(session, unit_id)])


@router.post(
    "/units/{unit_id}/accounts",
    response_model=StaffAccountPublic,
    status_code=status.HTTP_201_CREATED,
)
def add_unit_staff(
    unit_id: DbId,
    body: StaffAccountCreate,
    session: WriteSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
) -> StaffAccountPublic:
    """A login for a person at a unit of a community the caller administers."""
    unit = _administered_unit(session, scope, unit_id)
    account = unit_staff.add_staff(session, unit, body)
    session.commit()
    return _staff(account)


@router.patch("/units/{unit_id}/accounts/{account_id}", response_model=StaffAccountPublic)
def set_unit_staff_status(
    unit_id: DbId,
    account_id: DbId,
    body: StaffAccountStatus,
    session: WriteSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
) -> StaffAccountPublic:
    """Disable a login (someone left the unit) or enable it again."""
    _administered_unit(session, scope, unit_id)
    account = unit_staff.set_staff_status(session, unit_id, account_id, body.status)
    session.commit()
    return _staff(account)


def _administered_unit(session: Session, scope: Scope, unit_id: int) -> Unit:
    unit, community_path = visible_unit(session, unit_id, scope.area_paths)
    if not scope.covers(community_path):
        raise Forbidden(Message("riders.not-your-community"))
    return unit


def _staff(account: Account) -> StaffAccountPublic:
    return StaffAccountPublic.model_validate(account, from_attributes=True)
