"""The `tantou` command: migrate, create-user, demo."""

from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.accounts.models import Account, AccountArea, AccountStatus, Role
from app.cli import main as tantou
from app.core.db import create_db_engine
from app.grids.models import Grid, GridLevel
from app.riders.models import Team
from app.units.models import Unit, UnitType


@pytest.fixture
def env(empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TANTOU_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("TANTOU_DATA_DIR", str(tmp_path))
    return empty_database_url


def test_migrate_then_demo_seeds_the_county_once(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tantou(["migrate"]) == 0
    assert tantou(["demo", "--if-empty"]) == 0
    printed = capsys.readouterr().out
    for username in ("admin", "coordinator", "unit", "13800000001"):
        assert username in printed
    assert tantou(["demo", "--if-empty"]) == 0
    again = capsys.readouterr().out
    assert "not seeded" in again
    assert "13800000001" in again
    engine = create_db_engine(env)
    with Session(engine) as session:
        levels = [grid.level for grid in session.exec(select(Grid))]
        assert levels.count(GridLevel.STREET) >= 2
        assert levels.count(GridLevel.COMMUNITY) >= 6
        assert levels.count(GridLevel.GRID) >= 40
        assert {unit.type for unit in session.exec(select(Unit))} == set(UnitType)
        assert len(session.exec(select(Team)).all()) == 10
        roles = {account.role for account in session.exec(select(Account))}
        assert roles == set(Role)
    engine.dispose()


def test_create_user_coordinator_owns_the_areas_named(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tantou(["demo"]) == 0
    assert (
        tantou(
            [
                "create-user",
                "--role",
                "coordinator",
                "--username",
                "wang",
                "--password",
                "long-enough-1",
                "--grid",
                "341126100001",
                "--grid",
                "341126101",
            ]
        )
        == 0
    )
    engine = create_db_engine(env)
    with Session(engine) as session:
        account = session.exec(select(Account).where(Account.username == "wang")).one()
        assert account.status is AccountStatus.ACTIVE
        areas = session.exec(
            select(AccountArea.area_code).where(AccountArea.account_id == account.id)
        )
        assert sorted(areas) == ["341126100001", "341126101"]
    engine.dispose()


def test_create_user_refuses_unknown_area_and_duplicate_username(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tantou(["migrate"]) == 0
    args = [
        "create-user",
        "--role",
        "coordinator",
        "--username",
        "li",
        "--password",
        "long-enough-1",
    ]
    assert tantou([*args, "--grid", "000"]) == 1
    assert "未知的区域编码：000" in capsys.readouterr().err
    assert (
        tantou(
            ["create-user", "--role", "admin", "--username", "li", "--password", "long-enough-1"]
        )
        == 0
    )
    assert (
        tantou(
            ["create-user", "--role", "admin", "--username", "li", "--password", "long-enough-1"]
        )
        == 1
    )
    assert "已被占用" in capsys.readouterr().err


def test_create_user_unit_needs_a_known_unit(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert tantou(["demo"]) == 0
    base = ["create-user", "--role", "unit", "--username", "wuye", "--password", "long-enough-1"]
    assert tantou([*base, "--unit", "nope"]) == 1
    assert tantou([*base, "--unit", "341126100001-property"]) == 0
