"""Fixtures of the Open311 tests: the workflow steps and a live server."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.runtime import Runtime
from app.main import create_app
from tests.cases.factories import Steps
from tests.fixtures.people import People
from tests.reports.factories import live_server


@pytest.fixture
def steps(client: TestClient, people: People) -> Steps:
    return Steps(client, people)


@pytest.fixture
def open311_url(runtime: Runtime) -> Iterator[str]:
    """The Open311 root of a real server on loopback, for clients that speak HTTP themselves."""
    with live_server(create_app(runtime=runtime)) as base_url:
        yield f"{base_url}/open311/v2"
