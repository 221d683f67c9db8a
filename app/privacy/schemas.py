"""What the rider-rights endpoints take and give."""

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
