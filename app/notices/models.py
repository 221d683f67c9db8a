"""Policy notices (政策宣讲) and each rider's receipt: read, passed on."""

from datetime import datetime

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import time_field


class Notice(SQLModel, table=True):
    """A notice for the riders of an area (street or community), of one team, or everyone."""

    __table_args__ = (Index("ix_notice_audience_path_id", "audience_path", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=100)
    body: str = Field(sa_type=Text)
    # Attachments as links (documents live elsewhere); a list replaced whole.
    links: list[str] = Field(default_factory=list, sa_type=JSON)
    audience_area_code: str | None = Field(default=None, foreign_key="grid.code", max_length=32)
    # The area's path (a team's community for a team notice); None: everyone.
    audience_path: str | None = Field(default=None, max_length=200)
    audience_team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    author_id: int = Field(foreign_key="account.id")
    published_at: datetime = time_field(default_factory=utcnow)


class NoticeReceipt(SQLModel, table=True):
    __tablename__ = "notice_receipt"
    __table_args__ = (UniqueConstraint("notice_id", "rider_id"),)

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id")
    rider_id: int = Field(foreign_key="account.id", index=True)
    read_at: datetime | None = time_field(default=None, nullable=True)
    shared_at: datetime | None = time_field(default=None, nullable=True)
