"""Redaction seen from outside: a reported face is served pixelated, and a photo that is not
redacted (a detector failed, or it was stored before redaction) has no URL anywhere until the
redaction job has redacted it. Uploads are acknowledged before their photos are redacted, by
the app's own worker, and the job takes what no worker holds."""

import io
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient
from georeport import GeoReport
from PIL import Image
from sqlmodel import Session, select

from app.core.clock import utcnow
from app.core.runtime import Runtime
from app.main import create_app
from app.photos import intake
from app.photos.detectors import Box
from app.photos.intake import REDACTION_QUEUE_CACHE, close_image_pool, redaction_queue_of
from app.photos.redaction import pixelate
from app.photos.sealing import original_store, unseal
from app.photos.storage import photo_store
from app.reports.models import PhotoRedaction, ReportPhoto
from app.reports.photo_redaction import (
    ABANDONED_AFTER,
    finish_queued_redaction,
    redact_waiting_photos,
)
from tests.clients import english_client
from tests.factories import GRID_POINT
from tests.fixtures.people import People
from tests.fixtures.reports import GARBAGE, make_report
from tests.metrics.scraping import sample
from tests.photos.factories import fixture_photo
from tests.reports.factories import once_redacted, post_report, redact_taken_photos, small_jpeg
from tests.waiting import eventually

ASTRONAUT = fixture_photo("privacy/astronaut.jpg")


def residual_detail(jpeg: bytes, box: list[int]) -> float:
    """Mean grey levels between a region and its own coarse mosaic: ~0 once pixelated."""
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    region = (box[0], box[1], box[2], box[3])
    mosaic = pixelate(image, [Box("face", 1.0, *region)])
    return float(
        np.abs(
            np.asarray(image.crop(region).convert("L"), dtype=np.float32)
            - np.asarray(mosaic.crop(region).convert("L"), dtype=np.float32)
        ).mean()
    )


def key_of(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[1].removesuffix(".jpg")


def test_a_reported_face_is_served_pixelated(
    client: TestClient, session: Session, people: People
) -> None:
    sent = post_report(client, people.rider.headers, (ASTRONAUT,))

    assert sent.status_code == 201, sent.text
    [waiting] = sent.json()["photos"]  # acknowledged before redaction, with nothing to serve
    assert (waiting["ready"], waiting["redaction"], waiting["url"]) == (False, "pending", None)
    [photo] = once_redacted(client, people.rider.headers, sent.json())["photos"]
    assert (photo["ready"], photo["redaction"], photo["redacted_regions"]) == (True, "redacted", 1)
    [row] = session.exec(select(ReportPhoto)).all()
    [region] = row.redacted_regions
    assert region["kind"] == "face"
    assert isinstance(region["score"], float)
    box = region["box"]
    assert isinstance(box, list)
    served = client.get(photo["url"]).content
    assert residual_detail(served, box) < 2 < 10 < residual_detail(ASTRONAUT, box)


def test_the_upload_answer_shows_its_photos_pending_even_when_the_worker_was_quicker(
    client: TestClient, runtime: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage_photos = intake.stage_photos

    def worker_first(*args: Any, **kwargs: Any) -> Any:
        staged = stage_photos(*args, **kwargs)
        finish_queued_redaction(runtime)  # as if the worker redacted before the answer was built
        return staged

    monkeypatch.setattr(intake, "stage_photos", worker_first)
    sent = post_report(client, people.rider.headers, (ASTRONAUT,))

    assert sent.status_code == 201, sent.text
    [waiting] = sent.json()["photos"]  # what this request wrote, not what the worker made of it
    assert (waiting["ready"], waiting["redaction"], waiting["url"]) == (False, "pending", None)
    read = client.get(f"/api/v1/reports/{sent.json()['id']}", headers=people.rider.headers)
    [photo] = read.json()["photos"]
    assert (photo["ready"], photo["redaction"], photo["redacted_regions"]) == (True, "redacted", 1)
    assert photo["id"] == waiting["id"]


def waiting_photo(session: Session, runtime: Runtime, people: People, state: PhotoRedaction) -> int:
    """A report whose photo is stored unredacted and marked `state`; its report's id."""
    store = photo_store(runtime.settings)
    report = make_report(session, people.rider.id, photo_keys=(store.put(ASTRONAUT),) * 2)
    [row] = session.exec(select(ReportPhoto).where(ReportPhoto.report_id == report.id)).all()
    row.redaction = state
    row.redaction_failure = "RuntimeError: model file damaged"
    session.add(row)
    session.commit()
    assert report.id is not None
    return report.id


def test_a_photo_a_detector_failed_on_has_no_url_anywhere_until_redacted(
    client: TestClient,
    session: Session,
    runtime: Runtime,
    people: People,
    open311_url: str,
) -> None:
    report_id = waiting_photo(session, runtime, people, PhotoRedaction.NEEDS_CHECK)
    unredacted_key = photo_store(runtime.settings).put(ASTRONAUT)
    path = f"/api/v1/reports/{report_id}"

    shown = client.get(path, headers=people.coordinator.headers).json()
    lon, lat = GRID_POINT
    nearby = client.get(
        "/api/v1/reports/nearby",
        params={"lat": lat, "lon": lon, "category": GARBAGE},
        headers=people.bystander.headers,
    ).json()["items"]
    listed = client.get("/api/v1/reports", headers=people.coordinator.headers).text
    request = GeoReport(open311_url).get_service_request(str(report_id))

    [photo] = shown["photos"]
    assert (photo["ready"], photo["redaction"], photo["url"], photo["thumbnail_url"]) == (
        False,
        "needs_check",
        None,
        None,
    )
    assert [item["thumbnail_url"] for item in nearby] == [None]
    assert unredacted_key not in listed
    assert "media_url" not in request or not request["media_url"]

    assert redact_waiting_photos(runtime) == 1

    [photo] = client.get(path, headers=people.coordinator.headers).json()["photos"]
    assert (photo["ready"], photo["redaction"], photo["redacted_regions"]) == (True, "redacted", 1)
    assert key_of(photo["url"]) != unredacted_key
    session.expire_all()
    [row] = session.exec(select(ReportPhoto)).all()
    assert row.redaction_failure is None
    served = client.get(photo["url"]).content
    box = row.redacted_regions[0]["box"]
    assert isinstance(box, list)
    assert residual_detail(served, box) < 2
    media = GeoReport(open311_url).get_service_request(str(report_id))["media_url"]
    assert key_of(media) == key_of(photo["url"])
    assert httpx.get(media).status_code == 200


def waiting_in_metrics(client: TestClient, people: People, state: str) -> float:
    exposition = client.get("/metrics", headers=people.admin.headers).text
    return sample(exposition, "tantou_photos_waiting_redaction", redaction=state)


def test_photos_from_before_redaction_wait_for_the_job_and_it_has_nothing_left_after(
    client: TestClient, session: Session, runtime: Runtime, people: People
) -> None:
    report_id = waiting_photo(session, runtime, people, PhotoRedaction.UNCHECKED)
    rider_view = client.get(f"/api/v1/reports/{report_id}", headers=people.rider.headers).json()
    assert [photo["ready"] for photo in rider_view["photos"]] == [False]
    assert waiting_in_metrics(client, people, "unchecked") == 1

    assert redact_waiting_photos(runtime) == 1
    assert redact_waiting_photos(runtime) == 0

    assert waiting_in_metrics(client, people, "unchecked") == 0

    rider_view = client.get(f"/api/v1/reports/{report_id}", headers=people.rider.headers).json()
    assert [photo["ready"] for photo in rider_view["photos"]] == [True]


def test_the_worker_redacts_an_upload_after_it_is_acknowledged(
    client: TestClient, people: People
) -> None:
    sent = post_report(client, people.rider.headers, (ASTRONAUT,)).json()
    path = f"/api/v1/reports/{sent['id']}"

    def photo_ready() -> bool:
        [photo] = client.get(path, headers=people.rider.headers).json()["photos"]
        return bool(photo["ready"])

    # Nothing but the app's own redaction worker redacts it here.
    eventually(photo_ready, what="the worker redacted the photo")
    [photo] = client.get(path, headers=people.rider.headers).json()["photos"]
    assert (photo["redaction"], photo["redacted_regions"]) == ("redacted", 1)


def test_a_burst_waits_in_the_queue_counted_and_none_is_lost(
    runtime: Runtime, session: Session, people: People
) -> None:
    # No lifespan, so no worker: the uploads wait in the queue until it is worked off here.
    idle = english_client(create_app(runtime=runtime))
    try:
        sent = [
            post_report(idle, people.rider.headers, (small_jpeg(gps=GRID_POINT), ASTRONAUT))
            for _ in range(5)
        ]
        assert [response.status_code for response in sent] == [201] * 5
        assert waiting_in_metrics(idle, people, "pending") == 10
        assert redaction_queue_of(runtime).qsize() == 10

        finish_queued_redaction(runtime)

        assert waiting_in_metrics(idle, people, "pending") == 0
        for response in sent:
            report = idle.get(
                f"/api/v1/reports/{response.json()['id']}", headers=people.rider.headers
            ).json()
            assert [(p["ready"], p["redacted_regions"]) for p in report["photos"]] == [
                (True, 0),
                (True, 1),
            ]
    finally:
        close_image_pool(runtime)


def test_a_photo_with_nothing_to_hide_keeps_its_stored_copies(
    client: TestClient, session: Session, people: People
) -> None:
    post_report(client, people.rider.headers, (small_jpeg(),))
    [pending] = session.exec(select(ReportPhoto)).all()
    session.close()

    redact_taken_photos(client)

    [row] = session.exec(select(ReportPhoto)).all()
    assert (row.redaction, row.redacted_regions, row.original_key) == ("redacted", [], None)
    # Not encoded a second time: the copies served are the ones the upload stored.
    assert (row.display_key, row.thumbnail_key) == (pending.display_key, pending.thumbnail_key)


def test_a_redacted_photo_seals_the_very_copy_its_upload_stored(
    client: TestClient, session: Session, runtime: Runtime, people: People
) -> None:
    post_report(client, people.rider.headers, (ASTRONAUT,))
    [pending] = session.exec(select(ReportPhoto)).all()
    stored_copy = photo_store(runtime.settings).read(pending.display_key)
    session.close()

    redact_taken_photos(client)

    [row] = session.exec(select(ReportPhoto)).all()
    assert row.original_key is not None
    assert row.display_key != pending.display_key
    sealed = original_store(runtime.settings).read(row.original_key)
    key = runtime.settings.secret_key
    # Sealed as stored, not decoded and encoded again; bound to the redacted copy that replaced it.
    assert unseal(sealed, secret_key=key, bound_to=row.display_key) == stored_copy


def test_the_job_leaves_a_fresh_upload_to_its_worker_and_takes_an_abandoned_one(
    runtime: Runtime, session: Session, people: People
) -> None:
    idle = english_client(create_app(runtime=runtime))
    try:
        sent = post_report(idle, people.rider.headers, (ASTRONAUT,))
        assert sent.status_code == 201, sent.text
        # The process that took it in stops before its worker ran: the queue is gone with it.
        runtime.caches.pop(REDACTION_QUEUE_CACHE)

        assert redact_waiting_photos(runtime) == 0  # it may still be on its way
        assert redact_waiting_photos(runtime, now=utcnow() + ABANDONED_AFTER) == 1

        [photo] = idle.get(
            f"/api/v1/reports/{sent.json()['id']}", headers=people.rider.headers
        ).json()["photos"]
        assert (photo["ready"], photo["redacted_regions"]) == (True, 1)
    finally:
        close_image_pool(runtime)
