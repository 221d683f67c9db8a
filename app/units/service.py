"""Handling units: creation, changes and scoped listing."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.core.area_paths import related_to_any
from app.core.errors import Conflict, NotFound, Unprocessable
from app.core.messages import Message
from app.grids.models import Grid, GridLevel
from app.units.models import Unit, UnitCreate, UnitUpdate


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


def update_unit(session: Session, unit: Unit, changes: UnitUpdate) -> Unit:
    """Rename, retype or change the contact of a unit (flushes)."""
    for name, value in changes.model_dump(exclude_unset=True).items():
        if value is None and name in ("name", "type"):
            raise Unprocessable.for_field(name, Message("units.field-empty"))
        setattr(unit, name, value)
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


def visible_unit(
    session: Session, unit_id: int, area_paths: Sequence[str] | None
) -> tuple[Unit, str]:
    """A unit the caller lists, with its community's path; 404 for any other."""
    query = (
        select(Unit, Grid.path)
        .join(Grid, col(Grid.code) == col(Unit.community_code))
        .where(Unit.id == unit_id)
    )
    if area_paths is not None:
        query = query.where(related_to_any(Grid.path, area_paths))
    found = session.exec(query).first()
    if found is None:
        raise NotFound(Message("units.no-unit-id", unit_id=unit_id))
    unit, community_path = found
    return unit, community_path


def unit_by_code(session: Session, code: str) -> Unit | None:
    """One unit by its code."""
    return session.exec(select(Unit).where(Unit.code == code)).first()
