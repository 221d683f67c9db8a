"""What the login endpoint and the unit staff endpoints take and give."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.accounts.models import USERNAME_MAX_CHARS, AccountStatus
from app.accounts.service import MIN_PASSWORD_LENGTH


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


STAFF_USERNAME = r"^[A-Za-z0-9_.@-]+$"  # typed on any keyboard, unlike riders' phone numbers


class StaffAccountCreate(BaseModel):
    """A login for one person at a handling unit; they change nothing but their unit's tasks."""

    username: str = Field(
        min_length=3, max_length=USERNAME_MAX_CHARS, pattern=r"^[A-Za-z0-9_.@-]+$"
    )
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=128)
    display_name: str = Field(default="", max_length=64)


class StaffAccountStatus(BaseModel):
    status: Literal[AccountStatus.ACTIVE, AccountStatus.DISABLED]


class StaffAccountPublic(BaseModel):
    id: int
    username: str
    display_name: str
    status: AccountStatus
    created_at: datetime


class StaffAccountList(BaseModel):
    items: list[StaffAccountPublic]
