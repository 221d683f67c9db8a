"""`tantou rebuild-figures` and the migration's backfill count rows that no event announced:
reports loaded straight into the tables, as a bulk import would."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, select
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.service import create_account
from app.cli import main as tantou
from app.core.db import create_db_engine
from app.core.migrations import alembic_config
from app.figures.rebuild import rebuild_figures
from app.grids.models import Grid, GridLevel
from app.reports.models import Report
from app.reports.states import ReportStatus
from tests.cases.factories import GAS_LEAK
from tests.factories import PASSWORD, seed_grids
from tests.figures.recount import figures_of, recount, rollup_rows
from tests.fixtures.reports import GARBAGE

NOW = datetime.now(UTC)


def _bulk_rows(session: Session, reporter_id: int, count: int) -> list[dict[str, Any]]:
    """Reports in every grid and none, in every status, over two years (closed ones closed)."""
    rng = random.Random(count)
    paths = [None, *session.exec(select(Grid.path).where(Grid.level == GridLevel.GRID)).scalars()]
    rows = []
    for index in range(count):
        created_at = NOW - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        status = rng.choice(list(ReportStatus))
        done = status in (ReportStatus.RESOLVED, ReportStatus.CLOSED)
        rows.append(
            {
                "reporter_id": reporter_id,
                "client_id": f"bulk-{index}",
                "fingerprint": "0" * 64,
                "category_code": rng.choice([GARBAGE, GAS_LEAK]),
                "lat": 32.85,
                "lon": 117.53,
                "status": status,
                "area_path": rng.choice(paths),
                "rework_count": rng.choice([0, 0, 1]),
                "created_at": created_at,
                "updated_at": created_at,
                "resolved_at": created_at + timedelta(hours=rng.randint(1, 500)) if done else None,
                "closed_at": (
                    created_at + timedelta(minutes=rng.randint(0, 90 * 24 * 60))
                    if status is ReportStatus.CLOSED
                    else None
                ),
            }
        )
    return rows


def _load(session: Session, count: int) -> None:
    seed_grids(session)
    reporter = create_account(session, role=Role.RIDER, username="13900000009", password=PASSWORD)
    assert reporter.id is not None
    session.execute(insert(Report), _bulk_rows(session, reporter.id, count))
    session.commit()


def test_reports_loaded_straight_into_the_table_all_count_after_a_rebuild(
    session: Session,
) -> None:
    _load(session, 400)
    assert figures_of(session, None, None, None)["received"] == 0  # no event announced them

    assert rebuild_figures(session) == 400

    rng = random.Random(5)
    for _ in range(10):
        ends = sorted(NOW - timedelta(minutes=rng.randint(0, 800 * 24 * 60)) for _ in "ab")
        expected, got = recount(session, None, *ends), figures_of(session, None, *ends)
        exact_median, median = expected.pop("median_hours"), got.pop("median_hours")
        assert got == expected
        assert (median is None) == (exact_median is None)
    assert figures_of(session, None, None, None)["received"] == 400


def test_the_migration_backfills_what_rebuild_figures_computes(
    empty_database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    command.upgrade(alembic_config(empty_database_url), "webhooks")
    # The grids' generation counter is younger than this schema: importing grids skips it here.
    monkeypatch.setattr("app.grids.service.generations.bump", lambda session, name: None)
    engine = create_db_engine(empty_database_url)
    try:
        with Session(engine) as session:
            _load(session, 300)
        command.upgrade(alembic_config(empty_database_url), "head")
        with Session(engine) as session:
            backfilled = rollup_rows(session)
            assert figures_of(session, None, None, None)["received"] == 300
        monkeypatch.setenv("TANTOU_DATABASE_URL", empty_database_url)
        monkeypatch.setenv("TANTOU_DATA_DIR", str(tmp_path))

        assert tantou(["rebuild-figures"]) == 0

        assert "300 reports counted" in capsys.readouterr().out
        with Session(engine) as session:
            assert rollup_rows(session) == backfilled
    finally:
        engine.dispose()
