"""Note presets: the wording a coordinator picks for a rejection or a dispatch."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.types import enum_field, time_field

# As long as the longest text it can fill in: a rejection's reason (the shorter of the two).
PRESET_TEXT_MAX = 500


class PresetPurpose(StrEnum):
    REJECT = "reject"  # 未受理理由, shown to the reporter
    DISPATCH = "dispatch"  # 派单说明, shown to the handling unit


class NotePreset(SQLModel, table=True):
    __tablename__ = "note_preset"
    __table_args__ = (UniqueConstraint("purpose", "text", name="uq_note_preset_purpose_text"),)

    id: int | None = Field(default=None, primary_key=True)
    purpose: PresetPurpose = enum_field(PresetPurpose)
    text: str = Field(max_length=PRESET_TEXT_MAX)
    # The order the console offers them in, within a purpose.
    position: int = Field(default=0)
    created_at: datetime = time_field(default_factory=utcnow)
