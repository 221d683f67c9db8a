"""Fixtures of the push tests: push endpoints on loopback allowed, quick retries, the steps."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import Settings
from tests.cases.conftest import steps
from tests.conftest import make_settings
from tests.webhooks.receiver import Receiver, receiver_on

__all__ = ["push_service", "settings", "steps"]

VAPID_SUBJECT = "mailto:ops@tantou.example.cn"
# Quick retries and a short poll, so that recovery happens within a test's patience.
PUSH_TEST_SETTINGS: dict[str, object] = {
    "push_allow_private": True,
    "push_retry_first_seconds": 0.05,
    "push_retry_max_seconds": 0.2,
    "push_poll_seconds": 0.5,
    "vapid_subject": VAPID_SUBJECT,
}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data", **PUSH_TEST_SETTINGS)


@pytest.fixture
def push_service() -> Iterator[Receiver]:
    """A browser's push service stand-in on loopback."""
    with receiver_on() as receiver:
        yield receiver
