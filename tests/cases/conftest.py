"""Fixtures of the case-workflow tests: the demo grids, the people, the API steps."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from tests.cases.factories import People, Steps
from tests.factories import seed_grids


@pytest.fixture
def people(session: Session, settings: Settings) -> People:
    seed_grids(session)
    return People(session, settings)


@pytest.fixture
def steps(client: TestClient, people: People) -> Steps:
    return Steps(client, people)
