"""Fixtures of the metrics tests: a scraper's token configured."""

from pathlib import Path

import pytest

from app.core.config import Settings
from tests.conftest import make_settings

SCRAPER_TOKEN = "a-scraper-token-for-the-metrics-tests-0123"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data", metrics_token=SCRAPER_TOKEN)
