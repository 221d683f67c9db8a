"""Fixtures for photo tests; the factories themselves live in tests/photos/factories.py."""

from pathlib import Path

import pytest

from app.photos.file_store import FileStore
from tests.photos.factories import FENGYANG_LON_LAT, make_jpeg


@pytest.fixture
def photo_store(tmp_path: Path) -> FileStore:
    """An empty store in a temporary directory."""
    return FileStore(tmp_path / "photos")


@pytest.fixture
def fengyang_jpeg() -> bytes:
    """A 1200x900 phone-like JPEG whose EXIF GPS lies in a demo grid of Fengyang."""
    return make_jpeg(1200, 900, gps=FENGYANG_LON_LAT)
