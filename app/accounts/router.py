"""Login and the caller's own account."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from app.accounts import service
from app.accounts.deps import CallerDep, SignedInAccount
from app.accounts.models import USERNAME_MAX_CHARS, AccountPublic
from app.accounts.schemas import TokenResponse
from app.core.deps import SettingsDep, WriteSession, client_address_of
from app.core.errors import Unprocessable
from app.core.messages import Message
from app.core.security import issue_token

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
