"""Fixtures of the Open311 tests: the workflow steps (the live server is in tests/conftest.py)."""

import pytest
from fastapi.testclient import TestClient

from tests.cases.factories import Steps
from tests.fixtures.people import People


@pytest.fixture
def steps(client: TestClient, people: People) -> Steps:
    return Steps(client, people)
