"""Handling units (处置单位)."""

from typing import Annotated

from fastapi import APIRouter, status

from app.accounts.deps import (
    AreaManagerAccount,
    CurrentScope,
    ReportReader,
    ReportReaderScope,
    admitting,
)
from app.accounts.models import Account
from app.core.deps import ReadSession, WriteSession
from app.core.errors import Forbidden
from app.core.messages import Message
from app.grids.service import grid_by_code
from app.units import service
from app.units.access import UNIT_LISTERS
from app.units.models import UnitCreate, UnitPublic, UnitUpdate
from app.units.schemas import UnitList

router = APIRouter(tags=["units"])

UnitLister = Annotated[Account, admitting(UNIT_LISTERS, ReportReader)]


@router.post("/units", response_model=UnitPublic, status_code=status.HTTP_201_CREATED)
def create_unit(
    body: UnitCreate, session: WriteSession, _manager: AreaManagerAccount, scope: CurrentScope
) -> UnitPublic:
    """Register a handling unit in a community the caller administers."""
    community = grid_by_code(session, body.community_code)
    if community is not None and not scope.covers(community.path):
        raise Forbidden(Message("riders.not-your-community"))
    unit = service.create_unit(session, body)
    session.commit()
    return UnitPublic.model_validate(unit, from_attributes=True)


@router.get("/units", response_model=UnitList)
def list_units(session: ReadSession, _lister: UnitLister, scope: ReportReaderScope) -> UnitList:
    """Handling units in the caller's areas (coordinators, admins and their integrations)."""
    units = service.list_units(session, scope.area_paths)
    return UnitList(items=[UnitPublic.model_validate(u, from_attributes=True) for u in units])


@router.patch("/units/{unit_id}", response_model=UnitPublic)
def update_unit(
    unit_id: int,
    body: UnitUpdate,
    session: WriteSession,
    _manager: AreaManagerAccount,
    scope: CurrentScope,
) -> UnitPublic:
    """Rename a unit, change its type or its contact person and phone."""
    unit, community_path = service.visible_unit(session, unit_id, scope.area_paths)
    if not scope.covers(community_path):
        raise Forbidden(Message("riders.not-your-community"))
    service.update_unit(session, unit, body)
    session.commit()
    return UnitPublic.model_validate(unit, from_attributes=True)
