"""What the rider-rights endpoints take and give."""

from datetime import datetime

from pydantic import BaseModel, Field


class AccountEnding(BaseModel):
    password: str = Field(
        min_length=1, max_length=128, description="the account's password, entered again"
    )


class KeptRecord(BaseModel):
    what_zh: str
    what_en: str
    why_zh: str
    why_en: str


class AccountEndedPublic(BaseModel):
    message_zh: str
    message_en: str
    erased: list[str] = Field(description="what was erased, Chinese first")
    kept: list[KeptRecord] = Field(description="what stays, and why")
    cancelled_redemptions: int = Field(description="pending redemptions cancelled, stock returned")


class AuditViewer(BaseModel):
    id: int
    username: str
    name: str = Field(description="display name, may be empty")
    role: str


class PhotoRevealAudit(BaseModel):
    id: int
    report_id: int
    photo_id: int
    region: int = Field(description="which of the photo's regions, from 0")
    box: list[int] = Field(description="left, top, right, bottom in the display copy's pixels")
    reason: str
    viewer: AuditViewer
    revealed_at: datetime


class PhotoRevealAuditPage(BaseModel):
    items: list[PhotoRevealAudit]
    next_cursor: str | None = Field(description="pass as `cursor` for older entries")


class CallerPhoneAudit(BaseModel):
    id: int
    report_id: int
    viewer: AuditViewer
    viewed_at: datetime


class CallerPhoneAuditPage(BaseModel):
    items: list[CallerPhoneAudit]
    next_cursor: str | None = Field(description="pass as `cursor` for older entries")
