"""Accounts, the areas coordinators own, failed logins, and the API keys integrations call with.

API keys (接口密钥) are how another system (a 12345 hotline, a 数字城管 platform, a delivery
platform, an external handling unit) calls Tantou without a person's login."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field

USERNAME_MAX_CHARS = 64
CLIENT_ADDRESS_MAX_CHARS = 64


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    UNIT = "unit"
    RIDER = "rider"


class AccountStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    DISABLED = "disabled"
    # Ended by its rider (DELETE /me): the row stays as a tombstone that the rider's reports
    # and ledger still point to, with no name, phone or usable password.
    DELETED = "deleted"


class Account(SQLModel, table=True):
    # Pending registrations, oldest first.
    __table_args__ = (Index("ix_account_status_id", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=USERNAME_MAX_CHARS, unique=True)
    password_hash: str = Field(max_length=255)
    role: Role = enum_field(Role)
    status: AccountStatus = enum_field(AccountStatus, default=AccountStatus.ACTIVE)
    display_name: str = Field(default="", max_length=64)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    # The account an API key acts through: it never logs in and its actions name the integration.
    is_integration: bool = False
    created_at: datetime = time_field(default_factory=utcnow)


class AccountArea(SQLModel, table=True):
    """A grid, community or street (by code) that a coordinator owns, with all below it."""

    __tablename__ = "account_area"
    __table_args__ = (UniqueConstraint("account_id", "area_code"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    area_code: str = Field(foreign_key="grid.code", max_length=32, index=True)


class LoginFailure(SQLModel, table=True):
    """One failed login; recent ones throttle further attempts."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=USERNAME_MAX_CHARS, index=True)
    client_address: str = Field(max_length=CLIENT_ADDRESS_MAX_CHARS, index=True)
    created_at: datetime = time_field(default_factory=utcnow, index=True)


class RevokedToken(SQLModel, table=True):
    """A token ended by logging out; kept until it would have expired anyway."""

    __tablename__ = "revoked_token"

    jti: str = Field(primary_key=True, max_length=32)
    expires_at: datetime = time_field(index=True)


class AccountPublic(SQLModel):
    id: int
    username: str
    role: Role
    status: AccountStatus


class ApiScope(StrEnum):
    REPORTS_READ = "reports:read"
    REPORTS_WRITE = "reports:write"
    CASES_WRITE = "cases:write"
    OPEN311 = "open311"


class ApiKey(SQLModel, table=True):
    """A key: its public prefix finds the row, the hash of the whole key proves it.

    Every key acts through an account of its own (`account_id`), so that the reports it makes,
    the steps it takes and what it may see follow the same rules as for a person: an admin-wide
    key, a coordinator of `community_code`, or a member of unit `unit_id`.
    """

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    prefix: str = Field(max_length=16, unique=True)
    key_hash: str = Field(max_length=64)
    scopes: str = Field(max_length=200, description="space-separated ApiScope values")
    account_id: int = Field(foreign_key="account.id", unique=True)
    community_code: str | None = Field(default=None, foreign_key="grid.code", max_length=32)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    rate_limit_per_minute: int
    created_by_id: int = Field(foreign_key="account.id")
    created_at: datetime = time_field(default_factory=utcnow)
    last_used_at: datetime | None = time_field(default=None, nullable=True)
    revoked_at: datetime | None = time_field(default=None, nullable=True)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
