"""Handling units (处置单位)."""

from fastapi import APIRouter, status

from app.accounts.deps import ReportReader, StaffAccount
from app.accounts.models import Role
from app.accounts.scope import scope_of
from app.core.deps import SessionDep
from app.core.errors import Forbidden
from app.grids.service import grid_by_code
from app.units import service
from app.units.models import UnitCreate, UnitPublic
from app.units.schemas import UnitList

router = APIRouter(tags=["units"])


@router.post("/units", response_model=UnitPublic, status_code=status.HTTP_201_CREATED)
def create_unit(body: UnitCreate, session: SessionDep, account: StaffAccount) -> UnitPublic:
    """Register a handling unit in a community the caller administers."""
    community = grid_by_code(session, body.community_code)
    if community is not None and not scope_of(session, account).covers(community.path):
        raise Forbidden("You do not administer this community.")
    unit = service.create_unit(session, body)
    session.commit()
    return UnitPublic.model_validate(unit, from_attributes=True)


@router.get("/units", response_model=UnitList)
def list_units(session: SessionDep, account: ReportReader) -> UnitList:
    """Handling units in the caller's areas (coordinators, admins and their integrations)."""
    if account.role not in (Role.ADMIN, Role.COORDINATOR):
        raise Forbidden("Only coordinators and admins list handling units.")
    scope = scope_of(session, account)
    units = service.list_units(session, scope.area_paths)
    return UnitList(items=[UnitPublic.model_validate(u, from_attributes=True) for u in units])
