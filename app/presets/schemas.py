"""The presets' request and answer bodies."""

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.presets.models import PRESET_TEXT_MAX, PresetPurpose

PresetText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PRESET_TEXT_MAX)
]


class PresetCreate(BaseModel):
    purpose: PresetPurpose
    text: PresetText
    position: int | None = Field(default=None, ge=0, description="default: after the others")


class PresetUpdate(BaseModel):
    text: PresetText | None = None
    position: int | None = Field(default=None, ge=0)


class PresetPublic(BaseModel):
    id: int
    purpose: PresetPurpose
    text: str
    position: int


class PresetList(BaseModel):
    items: list[PresetPublic]
