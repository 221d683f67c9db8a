"""Shared fixtures: every database test runs on SQLite and on a throwaway PostgreSQL."""

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

import app.models  # noqa: F401  (registers every table)
from app.core.config import Settings
from app.core.db import create_db_engine, metadata, writer_engine
from app.core.runtime import Runtime
from app.core.security import use_password_hasher
from app.main import create_app
from app.reference_data import install_reference_data
from tests.clients import english_client
from tests.factories import seed_grids
from tests.fixtures.people import People
from tests.postgres import Cluster, start_cluster
from tests.reports.factories import live_server
from tests.s3 import S3Server, running_s3_server

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
_database_numbers = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> None:
    """Real argon2id, with the cheapest parameters: hashing is not what these tests test."""
    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))


def _build_schema(engine: Engine) -> None:
    metadata.create_all(engine)
    with engine.begin() as connection:
        install_reference_data(connection)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    template = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with template.connect() as connection:
        connection.execute(text("CREATE DATABASE tantou_template"))
    template.dispose()
    engine = create_db_engine(cluster.url("tantou_template"))
    _build_schema(engine)
    engine.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One S3-protocol server per test process; each test makes its own bucket."""
    with running_s3_server() as server:
        yield server


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    _build_schema(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database with the schema and the reference data, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "tantou.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    name = f"test_{next(_database_numbers)}"
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE tantou_template"))
    yield cluster.url(name)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, on each backend (for migrations and the CLI)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    name = f"empty_{next(_database_numbers)}"
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield cluster.url(name)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    """Test settings: a test secret, rate limits off and registrations unlimited unless asked
    for (tests register many riders from one address)."""
    values: dict[str, object] = {
        "env": "test",
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": TEST_SECRET_KEY,
        "rate_limits": False,
        "registrations_per_hour": 1_000_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = Runtime.from_settings(settings)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    """A writing session on the test database, for arranging data directly."""
    with Session(writer_engine(runtime.engine), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def people(session: Session, settings: Settings) -> People:
    """The one cast of test people (tests/fixtures/people.py), on the demo grids."""
    seed_grids(session)
    return People(session, settings)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with english_client(create_app(runtime=runtime)) as client:
        yield client


@pytest.fixture
def open311_url(runtime: Runtime) -> Iterator[str]:
    """The Open311 root of a real server on loopback, for clients that speak HTTP themselves."""
    with live_server(create_app(runtime=runtime)) as base_url:
        yield f"{base_url}/open311/v2"
