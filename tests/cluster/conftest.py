"""Fixtures of the cluster tests: one migrated PostgreSQL database that several servers share."""

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from app.core.migrations import upgrade_to_head
from tests.postgres import Cluster

_numbers = itertools.count()


@pytest.fixture
def shared_database_url(postgres_cluster: Cluster) -> Iterator[str]:
    """An empty PostgreSQL database brought to head by the migrations (as `tantou migrate`
    would), so that the servers started on it find nothing to migrate."""
    name = f"cluster_{next(_numbers)}"
    admin = create_engine(postgres_cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = postgres_cluster.url(name)
    upgrade_to_head(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
