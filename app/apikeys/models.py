"""API keys (接口密钥): how another system (a 12345 hotline, a 数字城管 platform, a delivery
platform, an external handling unit) calls Tantou without a person's login."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import time_field


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
