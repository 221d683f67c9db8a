"""The migrations build exactly the models' schema, with the reference data, and undo cleanly."""

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import app.models  # noqa: F401  (registers every table)
from app.categories.standard import STANDARD_CATEGORIES
from app.core.db import create_db_engine, metadata
from app.core.migrations import alembic_config, is_at_head, upgrade_to_head
from app.reference_data import default_points_rule_rows, standard_category_rows
from tests.postgres import Cluster


def test_upgrade_from_empty_matches_the_models_and_installs_categories(
    empty_database_url: str,
) -> None:
    upgrade_to_head(empty_database_url)
    engine = create_db_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            codes = set(connection.execute(text("SELECT code FROM category")).scalars())
        assert codes == {c.code for c in STANDARD_CATEGORIES}
        assert is_at_head(engine, empty_database_url)
    finally:
        engine.dispose()


def test_the_frozen_reference_rows_match_todays_standard(empty_database_url: str) -> None:
    """The data migration holds literal rows; while the code's standard is unchanged, the two
    agree (a change to the standard needs a data migration of its own)."""
    upgrade_to_head(empty_database_url)
    engine = create_db_engine(empty_database_url)
    with engine.connect() as connection:
        columns = ", ".join(f'"{name}"' for name in standard_category_rows()[0])
        rows = connection.execute(text(f"SELECT {columns} FROM category ORDER BY code"))
        migrated = [dict(row._mapping) for row in rows]
        rules = dict(connection.execute(text("SELECT code, points FROM points_rule")).all())
    engine.dispose()
    assert migrated == sorted(standard_category_rows(), key=lambda row: row["code"])
    assert rules == {row["code"]: row["points"] for row in default_points_rule_rows()}


def test_upgrade_twice_is_a_no_op(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    upgrade_to_head(empty_database_url)
    engine = create_db_engine(empty_database_url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM category")).scalar_one()
    engine.dispose()
    assert count == len(standard_category_rows())


def test_downgrade_to_base_removes_every_table(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "base")
    engine = create_db_engine(empty_database_url)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert not is_at_head(engine, empty_database_url)
    engine.dispose()
    assert tables == set()


def test_two_machines_migrating_one_postgresql_at_once_both_succeed(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    admin = create_engine(postgres_cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE migrate_at_once"))
    url = postgres_cluster.url("migrate_at_once")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TANTOU_")}
    machines = [
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "migrate"],
            env={
                **environment,
                "TANTOU_DATABASE_URL": url,
                "TANTOU_DATA_DIR": str(tmp_path / machine),
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for machine in ("a", "b")
    ]
    outputs = [machine.communicate(timeout=120)[0].decode() for machine in machines]

    assert [machine.returncode for machine in machines] == [0, 0], outputs
    engine = create_db_engine(url)
    try:
        assert is_at_head(engine, url)
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM category")).scalar_one()
        assert count == len(standard_category_rows())
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE migrate_at_once WITH (FORCE)"))
        admin.dispose()
