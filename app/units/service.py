"""Handling units: creation and scoped listing."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.core.area_paths import related_to_any
from app.core.errors import Conflict, Unprocessable
from app.core.messages import Message
from app.grids.models import Grid, GridLevel
from app.units.models import Unit, UnitCreate


def create_unit(session: Session, data: UnitCreate) -> Unit:
    """Add a handling unit to a community (flushes)."""
    community = session.exec(
        select(Grid).where(Grid.code == data.community_code, Grid.level == GridLevel.COMMUNITY)
    ).first()
    if community is None:
        raise Unprocessable.for_field(
            "community_code", Message("riders.no-community", code=data.community_code)
        )
    if session.exec(select(Unit.id).where(Unit.code == data.code)).first() is not None:
        raise Conflict(Message("units.code-taken", code=data.code))
    unit = Unit.model_validate(data.model_dump())
    session.add(unit)
    session.flush()
    return unit


def list_units(session: Session, area_paths: Sequence[str] | None) -> list[Unit]:
    """Units of the communities related to `area_paths` (None: everything)."""
    query = select(Unit).order_by(Unit.community_code, Unit.code)
    if area_paths is not None:
        query = query.join(Grid, col(Grid.code) == col(Unit.community_code)).where(
            related_to_any(Grid.path, area_paths)
        )
    return list(session.exec(query))


def unit_by_code(session: Session, code: str) -> Unit | None:
    """One unit by its code."""
    return session.exec(select(Unit).where(Unit.code == code)).first()
