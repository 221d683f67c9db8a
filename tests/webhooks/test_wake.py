"""A commit that wrote deliveries wakes the worker at once, without waiting for its poll."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from tests.conftest import make_settings
from tests.fixtures.people import People
from tests.reports.factories import post_report
from tests.webhooks.conftest import WEBHOOK_TEST_SETTINGS
from tests.webhooks.factories import subscribe
from tests.webhooks.receiver import Receiver

POLL_S = 600


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    overrides = {**WEBHOOK_TEST_SETTINGS, "webhook_poll_seconds": POLL_S}
    return make_settings(database_url, tmp_path / "data", **overrides)


def test_a_delivery_goes_out_long_before_the_next_poll(
    client: TestClient, people: People, receiver: Receiver
) -> None:
    subscribe(client, people.admin, receiver.url(), events=["report.created"])
    post_report(client, people.rider.headers)
    receiver.wait_until(lambda r: r.events_of() == ["report.created"], timeout_s=POLL_S / 10)
