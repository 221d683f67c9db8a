"""Image work bounded whatever is sent: pixels per photo and per request, and a full pool."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from app.photos.intake import image_pool_of
from app.reports.models import Report, ReportPhoto
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import assert_problem, seed_grids
from tests.fixtures.people import People
from tests.photos.factories import make_flat_png
from tests.reports.factories import count_rows, post_report, small_jpeg, stored_files

SMALL_FILE_BYTES = 300_000
CLIENT_ID = "5f0c6a57-4f7e-4d53-9a53-2f1a86b1f2c1"


@pytest.fixture(scope="module")
def huge_flat_png() -> bytes:
    """7000x7000 RGBA: 196 MB once decoded, about 200 KB as sent."""
    return make_flat_png(7000, 7000)


@pytest.fixture(scope="module")
def large_flat_png() -> bytes:
    """4500x4500 RGBA (20.25 MP): under the PNG limit, so several add up in one request."""
    return make_flat_png(4500, 4500)


def assert_nothing_stored(session: Session, settings: Settings) -> None:
    assert count_rows(session, Report) == 0
    assert count_rows(session, ReportPhoto) == 0
    assert stored_files(settings.photo_dir) == []


def test_small_png_of_huge_size_is_refused_before_decoding(
    client: TestClient, people: People, session: Session, settings: Settings, huge_flat_png: bytes
) -> None:
    assert len(huge_flat_png) < SMALL_FILE_BYTES
    response = post_report(client, people.rider.headers, (huge_flat_png,))
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "photo[0]"
    assert "25 megapixels" in body["errors"][0]["message"]
    assert "PNG" in body["errors"][0]["message"]
    assert_nothing_stored(session, settings)


def test_six_small_pngs_of_huge_size_are_refused_naming_the_first(
    client: TestClient, people: People, session: Session, settings: Settings, huge_flat_png: bytes
) -> None:
    response = post_report(client, people.rider.headers, (huge_flat_png,) * 6)
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "photo[0]"
    assert_nothing_stored(session, settings)


def test_photos_each_within_limits_are_refused_together_over_the_request_budget(
    client: TestClient, people: People, session: Session, settings: Settings, large_flat_png: bytes
) -> None:
    # 20.25 MP each: four fit the 100 MP budget, the fifth goes over it.
    response = post_report(client, people.rider.headers, (large_flat_png,) * 6)
    body = assert_problem(response, 422)
    assert body["errors"] == [{"field": "photo[4]", "message": body["errors"][0]["message"]}]
    assert "100 megapixels" in body["errors"][0]["message"]
    assert_nothing_stored(session, settings)


@pytest.fixture
def one_slot_runtime(database_url: str, tmp_path: Path) -> Runtime:
    settings = make_settings(
        database_url, tmp_path / "data", image_workers=1, image_queue=0, image_retry_after_seconds=3
    )
    return Runtime.from_settings(settings)


def test_full_pool_answers_503_with_retry_after_and_stores_nothing(
    one_slot_runtime: Runtime, session: Session
) -> None:
    settings = one_slot_runtime.settings
    seed_grids(session)
    people = People(session, settings)
    pool = image_pool_of(one_slot_runtime)
    photo = small_jpeg()
    with english_client(create_app(runtime=one_slot_runtime)) as client:
        with pool.admitted():  # the one slot, taken as another request's image work takes it
            busy = post_report(client, people.rider.headers, (photo,), client_id=CLIENT_ID)
            body = assert_problem(busy, 503)
            assert busy.headers["Retry-After"] == "3"
            assert "retry" in body["detail"]
            assert_nothing_stored(session, settings)
        retried = post_report(client, people.rider.headers, (photo,), client_id=CLIENT_ID)
    assert retried.status_code == 201, retried.text
    assert count_rows(session, ReportPhoto) == 1
