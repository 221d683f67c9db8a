"""A receiver slower than the timeout: the try fails, the log says why, and it is retried."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from tests.conftest import make_settings
from tests.fixtures.people import People
from tests.waiting import eventually
from tests.webhooks.conftest import WEBHOOK_TEST_SETTINGS
from tests.webhooks.factories import subscribe
from tests.webhooks.receiver import Receiver


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    overrides = {**WEBHOOK_TEST_SETTINGS, "webhook_timeout_seconds": 0.3}
    return make_settings(database_url, tmp_path / "data", **overrides)


def test_a_receiver_slower_than_the_timeout_counts_as_a_failed_try(
    client: TestClient, people: People, hanging_receiver: Receiver
) -> None:
    hook = subscribe(client, people.admin, hanging_receiver.url())
    client.post(f"/api/v1/webhooks/{hook['id']}/test", headers=people.admin.headers)
    hanging_receiver.wait_until(lambda r: r.hanging >= 2)  # tried, gave up, tried again

    def log() -> list[dict[str, Any]]:
        response = client.get(
            f"/api/v1/webhooks/{hook['id']}/deliveries", headers=people.admin.headers
        )
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    eventually(lambda: log()[0]["attempts"] >= 1, what="a failed try recorded")
    [item] = log()
    assert item["status"] == "pending"
    assert item["last_error"] == "no answer within 0.3 s"
    assert item["response_ms"] >= 300
