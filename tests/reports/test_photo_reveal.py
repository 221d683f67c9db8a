"""Sealed originals: kept encrypted and unreachable by any URL, one region revealed to the
report's coordinator with an audited reason, deleted after the retention period."""

import io
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.photos.sealing import BrokenSeal, original_store, seal, unseal
from app.photos.urls import photo_url
from app.reports.models import PhotoReveal, ReportPhoto
from app.reports.original_retention import delete_expired_originals
from tests.conftest import TEST_SECRET_KEY
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.photos.factories import fixture_photo
from tests.reports.factories import post_report, redact_taken_photos
from tests.reports.test_photo_redaction import ASTRONAUT, residual_detail

REASON = "交警协查：核对人员身份"


@pytest.fixture
def reported(client: TestClient, session: Session, people: People) -> ReportPhoto:
    """The astronaut's portrait, reported by a rider: one face redacted, its original sealed."""
    sent = post_report(client, people.rider.headers, (ASTRONAUT,))
    assert sent.status_code == 201, sent.text
    redact_taken_photos(client)
    [photo] = session.exec(select(ReportPhoto)).all()
    return photo


def reveal(client: TestClient, photo: ReportPhoto, headers: dict[str, str], **body: object) -> Any:
    return client.post(
        f"/api/v1/reports/{photo.report_id}/photos/{photo.id}/reveal",
        json={"region": 0, "reason": REASON, **body},
        headers=headers,
    )


def test_the_original_is_sealed_and_no_url_serves_it(
    client: TestClient, runtime: Runtime, reported: ReportPhoto
) -> None:
    assert reported.original_key is not None
    sealed = original_store(runtime.settings).read(reported.original_key)

    assert not sealed.startswith(b"\xff\xd8")
    assert ASTRONAUT[:4096] not in sealed
    original = unseal(sealed, secret_key=TEST_SECRET_KEY, bound_to=reported.display_key)
    box = reported.redacted_regions[0]["box"]
    assert isinstance(box, list)
    assert residual_detail(original, box) > 10  # the face, as taken
    # Even a correctly signed URL for the sealed file's key finds nothing to serve.
    url = photo_url(reported.original_key, secret_key=TEST_SECRET_KEY, now_s=utcnow().timestamp())
    assert client.get(url).status_code == 404


def test_a_seal_opens_only_with_its_key_and_for_its_photo() -> None:
    sealed = seal(b"original", secret_key=TEST_SECRET_KEY, bound_to="a")

    assert unseal(sealed, secret_key=TEST_SECRET_KEY, bound_to="a") == b"original"
    with pytest.raises(BrokenSeal):
        unseal(sealed, secret_key=TEST_SECRET_KEY + "x", bound_to="a")
    with pytest.raises(BrokenSeal):
        unseal(sealed, secret_key=TEST_SECRET_KEY, bound_to="b")
    with pytest.raises(BrokenSeal):
        unseal(fixture_photo("privacy/astronaut.jpg"), secret_key=TEST_SECRET_KEY, bound_to="a")


def test_the_reports_coordinator_sees_one_region_and_the_look_is_audited(
    client: TestClient, session: Session, people: People, reported: ReportPhoto
) -> None:
    response = reveal(client, reported, people.coordinator.headers)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert "no-store" in response.headers["cache-control"]
    box = reported.redacted_regions[0]["box"]
    assert isinstance(box, list)
    region = Image.open(io.BytesIO(response.content))
    assert region.size == (box[2] - box[0], box[3] - box[1])
    whole = (0, 0, region.width, region.height)
    assert residual_detail(response.content, list(whole)) > 10
    [audit] = session.exec(select(PhotoReveal)).all()
    assert (audit.photo_id, audit.region, audit.reason) == (reported.id, 0, REASON)
    assert audit.viewer_id == people.coordinator.id
    assert audit.box == box


def test_no_one_else_reveals_and_bad_requests_reveal_nothing(
    client: TestClient, session: Session, people: People, reported: ReportPhoto
) -> None:
    assert_problem(reveal(client, reported, people.other_coordinator.headers), 404)
    assert_problem(reveal(client, reported, people.rider.headers), 403)
    assert_problem(reveal(client, reported, people.admin.headers), 403)
    assert_problem(reveal(client, reported, people.coordinator.headers, region=1), 422)
    assert_problem(reveal(client, reported, people.coordinator.headers, reason=""), 422)

    assert session.exec(select(PhotoReveal)).all() == []


def test_the_retention_job_deletes_originals_on_time_and_a_reveal_then_is_gone(
    client: TestClient, session: Session, runtime: Runtime, people: People, reported: ReportPhoto
) -> None:
    retention = timedelta(days=runtime.settings.original_retention_days)
    key = reported.original_key
    assert key is not None
    store = original_store(runtime.settings)
    later = reported.created_at + retention + timedelta(seconds=1)
    session.close()  # the writer lock is the job's to take

    assert delete_expired_originals(runtime.engine, runtime.settings, now=utcnow()) == 0
    assert store.exists(key)
    assert delete_expired_originals(runtime.engine, runtime.settings, now=later) == 1

    assert not store.exists(key)
    assert session.get(ReportPhoto, reported.id).original_key is None  # type: ignore[union-attr]
    session.close()
    assert_problem(reveal(client, reported, people.coordinator.headers), 410, slug="gone")
    # The redacted copy stays served.
    [photo] = client.get(
        f"/api/v1/reports/{reported.report_id}", headers=people.coordinator.headers
    ).json()["photos"]
    assert client.get(photo["url"]).status_code == 200
    assert urlsplit(photo["url"]).path.endswith(f"{reported.display_key}.jpg")
