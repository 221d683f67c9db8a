"""What an account may see: the one place that turns a role into a data scope."""

from dataclasses import dataclass

from sqlmodel import Session

from app.accounts.models import Account, Role
from app.accounts.service import area_codes_of
from app.core.errors import Forbidden, Unprocessable
from app.core.messages import Message
from app.grids.models import Grid
from app.grids.service import grid_by_code, paths_of


@dataclass(frozen=True)
class Scope:
    """The caller's reach. `area_paths` None means everywhere (admins)."""

    account_id: int
    role: Role
    area_paths: tuple[str, ...] | None
    unit_id: int | None

    @property
    def sees_everything(self) -> bool:
        return self.area_paths is None

    def covers(self, path: str | None) -> bool:
        """Whether an area path lies inside this scope."""
        if self.area_paths is None:
            return True
        return path is not None and any(path.startswith(area) for area in self.area_paths)


def scope_of(session: Session, account: Account) -> Scope:
    """The scope of an account: admins everything, coordinators their areas, others none."""
    assert account.id is not None
    if account.role is Role.ADMIN:
        paths: tuple[str, ...] | None = None
    elif account.role is Role.COORDINATOR:
        paths = tuple(paths_of(session, area_codes_of(session, account.id)))
    else:
        paths = ()
    return Scope(account.id, account.role, paths, account.unit_id)


def owned_area(session: Session, scope: Scope, code: str) -> Grid:
    """The grid or area `code` names, if the scope covers it: 422 if there is none, 403 if it
    lies outside the caller's areas."""
    grid = grid_by_code(session, code)
    if grid is None:
        raise Unprocessable.for_field("area", Message("accounts.no-area", code=code))
    if not scope.covers(grid.path):
        raise Forbidden(Message("accounts.area-outside-yours"))
    return grid
