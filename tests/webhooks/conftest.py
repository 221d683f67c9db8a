"""Fixtures of the webhook tests: deliveries to loopback allowed, quick retries, the steps."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import Settings
from tests.cases.conftest import steps
from tests.conftest import make_settings
from tests.webhooks.receiver import Receiver, receiver_on

__all__ = ["hanging_receiver", "receiver", "settings", "steps"]

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
def receiver() -> Iterator[Receiver]:
    with receiver_on() as receiver:
        yield receiver


@pytest.fixture
def hanging_receiver() -> Iterator[Receiver]:
    """A receiver that takes every request and never answers."""
    with receiver_on() as receiver:
        receiver.mode = "hang"
        yield receiver
