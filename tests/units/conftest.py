"""The units tests drive the case steps too (dispatching gives a unit its workload)."""

import pytest
from fastapi.testclient import TestClient

from tests.cases.factories import Steps
from tests.fixtures.people import People


@pytest.fixture
def steps(client: TestClient, people: People) -> Steps:
    return Steps(client, people)
