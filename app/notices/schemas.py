"""What the notice endpoints take and give: notices, their reach, receipts."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.core.inputs import DbId

LINK_PATTERN = r"^https?://\S+$"


class NoticeCreate(BaseModel):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    links: list[Annotated[str, Field(max_length=500, pattern=LINK_PATTERN)]] = Field(
        default_factory=list, max_length=10
    )
    area_code: str | None = Field(default=None, max_length=32)
    team_id: DbId | None = None


class ReachPublic(BaseModel):
    audience: int
    read: int
    shared: int


class NoticePublic(BaseModel):
    id: int
    title: str
    body: str
    links: list[str]
    area_code: str | None
    team_id: int | None
    published_at: datetime
    read_at: datetime | None = None  # the calling rider's receipt
    shared_at: datetime | None = None
    reach: ReachPublic | None = None  # for area managers


class NoticeList(BaseModel):
    items: list[NoticePublic]
    next_cursor: str | None = None


class ReceiptPublic(BaseModel):
    notice_id: DbId
    read_at: datetime | None
    shared_at: datetime | None
    points_earned: int  # what passing this notice on paid (0 before, or for pending riders)
