"""What the API-key endpoints take and give."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.accounts.models import ApiScope

DEFAULT_RATE_LIMIT_PER_MINUTE = 600


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=64, examples=["12345 热线"])
    scopes: list[ApiScope] = Field(min_length=1, examples=[["reports:read", "reports:write"]])
    community_code: str | None = Field(
        default=None,
        max_length=32,
        description="a community or street: the key sees and acts on nothing outside it",
    )
    unit_code: str | None = Field(
        default=None,
        max_length=32,
        description="an external handling unit: the key acts on that unit's tasks only",
    )
    rate_limit_per_minute: int = Field(default=DEFAULT_RATE_LIMIT_PER_MINUTE, ge=1, le=100_000)


class ApiKeyPublic(BaseModel):
    id: int
    name: str
    scopes: list[ApiScope]
    community_code: str | None
    unit_code: str | None
    rate_limit_per_minute: int
    key_prefix: str = Field(description="the key's public start, to tell keys apart")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IssuedApiKey(ApiKeyPublic):
    key: str = Field(description="the whole key: shown in this answer only, never again")


class ApiKeyList(BaseModel):
    items: list[ApiKeyPublic]
    next_cursor: str | None = None
