"""What the handling-unit endpoints give."""

from pydantic import BaseModel

from app.units.models import UnitPublic


class UnitList(BaseModel):
    items: list[UnitPublic]
