"""A receiver that hangs holds up neither the API nor other subscriptions."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from tests.cases.factories import Steps
from tests.conftest import make_settings
from tests.fixtures.people import People
from tests.reports.factories import post_report
from tests.webhooks.conftest import WEBHOOK_TEST_SETTINGS
from tests.webhooks.factories import deliveries, subscribe
from tests.webhooks.receiver import Receiver


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The worker waits long for an answer: a hanging receiver really holds its request."""
    overrides = {**WEBHOOK_TEST_SETTINGS, "webhook_timeout_seconds": 60}
    return make_settings(database_url, tmp_path / "data", **overrides)


def test_a_hanging_receiver_slows_neither_the_api_nor_other_subscriptions(
    client: TestClient,
    steps: Steps,
    people: People,
    hanging_receiver: Receiver,
    receiver: Receiver,
    session: Session,
) -> None:
    stuck = subscribe(client, people.admin, hanging_receiver.url())
    subscribe(client, people.admin, receiver.url())
    report_id = post_report(client, people.rider.headers).json()["id"]
    hanging_receiver.wait_until(lambda r: r.hanging >= 1)

    # While the receiver holds its request open, the API answers and the other subscription
    # gets its deliveries.
    accepted = steps.post(f"/reports/{report_id}/accept", people.coordinator, json={})
    assert accepted.status_code == 200, accepted.text
    assert steps.report(report_id)["status"] == "accepted"
    receiver.wait_until(lambda r: r.events_of() == ["report.created", "report.status_changed"])
    assert hanging_receiver.hanging >= 1
    assert [d.attempts for d in deliveries(session, stuck["id"])] == [0, 0]

    hanging_receiver.mode = "ok"
    hanging_receiver.release()
    hanging_receiver.wait_until(lambda r: r.events_of() == ["report.status_changed"])
