"""Fixtures of the webhook tests: deliveries to loopback allowed, quick retries, the people."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from tests.cases.factories import People, Steps
from tests.conftest import make_settings
from tests.factories import seed_grids
from tests.webhooks.receiver import Receiver, receiver_on

# Quick retries and a short poll, so that recovery happens within a test's patience.
WEBHOOK_TEST_SETTINGS: dict[str, object] = {
    "webhook_allow_private": True,
    "webhook_retry_first_seconds": 0.05,
    "webhook_retry_max_seconds": 0.2,
    "webhook_poll_seconds": 0.5,
}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data", **WEBHOOK_TEST_SETTINGS)


@pytest.fixture
def people(session: Session, settings: Settings) -> People:
    seed_grids(session)
    return People(session, settings)


@pytest.fixture
def steps(client: TestClient, people: People) -> Steps:
    return Steps(client, people)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_on() as receiver:
        yield receiver
