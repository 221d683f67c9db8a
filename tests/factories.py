"""Plain factory functions for tests: grids, accounts, logins."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Account, AccountStatus, Role
from app.accounts.service import create_account
from app.demo.fengyang import demo_grids
from app.grids.service import import_feature_collection
from app.units.models import Unit, UnitCreate, UnitType
from app.units.service import create_unit

PASSWORD = "correct-horse-battery"
TOWN = "341126100"  # 府城镇
COMMUNITY = "341126100001"  # 东华社区
OTHER_COMMUNITY = "341126101001"  # 淮河社区, in the other town
GRID = "341126100001001"  # 凤凰熙岸小区网格
# A point inside GRID (lon, lat), WGS-84.
GRID_POINT = (117.5325, 32.854)


def seed_grids(session: Session) -> None:
    """The demo county's grids (2 towns, 7 communities, 56 grids)."""
    import_feature_collection(session, demo_grids())
    session.commit()


def make_account(
    session: Session,
    role: Role,
    username: str,
    *,
    areas: tuple[str, ...] = (),
    unit_code: str | None = None,
    status: AccountStatus = AccountStatus.ACTIVE,
) -> Account:
    account = create_account(
        session,
        role=role,
        username=username,
        password=PASSWORD,
        area_codes=areas,
        unit_code=unit_code,
        status=status,
    )
    session.commit()
    return account


def make_unit(
    session: Session, code: str, *, community: str = COMMUNITY, type_: UnitType = UnitType.PROPERTY
) -> Unit:
    unit = create_unit(
        session, UnitCreate(code=code, name=f"单位{code}", type=type_, community_code=community)
    )
    session.commit()
    return unit


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization headers for the account."""
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_problem(response: Any, status: int, *, slug: str | None = None) -> dict[str, Any]:
    """The response is a problem+json with this status (and `type` slug); returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    if slug is not None:
        assert body["type"] == f"urn:tantou:problem:{slug}", body
    assert body["title"]
    assert body["detail"]
    return body
