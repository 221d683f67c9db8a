"""Fixtures of the case-workflow tests: the demo grids, the people, the API steps."""

import pytest
from fastapi.testclient import TestClient

from tests.cases.factories import Steps
from tests.fixtures.people import People


@pytest.fixture
def steps(client: TestClient, people: People) -> Steps:
    return Steps(client, people)
