"""Fixtures of the inbox tests: the workflow's API steps (people come from tests/conftest.py)."""

import pytest
from fastapi.testclient import TestClient

from tests.cases.factories import Steps
from tests.fixtures.people import People


@pytest.fixture
def steps(client: TestClient, people: People) -> Steps:
    return Steps(client, people)
