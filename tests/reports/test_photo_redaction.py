"""Redaction seen from outside: a reported face is served pixelated, and a photo that is not
redacted (a detector failed, or it was stored before redaction) has no URL anywhere until the
redaction job has redacted it."""

import io
from urllib.parse import urlsplit

import httpx
import numpy as np
from fastapi.testclient import TestClient
from georeport import GeoReport
from PIL import Image
from sqlmodel import Session, select

from app.core.runtime import Runtime
from app.photos.detectors import Box
from app.photos.redaction import pixelate
from app.photos.storage import photo_store
from app.reports.models import PhotoRedaction, ReportPhoto
from app.reports.photo_redaction import redact_waiting_photos
from tests.factories import GRID_POINT
from tests.fixtures.people import People
from tests.fixtures.reports import GARBAGE, make_report
from tests.metrics.scraping import sample
from tests.photos.factories import fixture_photo
from tests.reports.factories import post_report

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
    [photo] = sent.json()["photos"]
    assert (photo["ready"], photo["redaction"], photo["redacted_regions"]) == (True, "redacted", 1)
    [row] = session.exec(select(ReportPhoto)).all()
    [region] = row.redacted_regions
    assert region["kind"] == "face"
    assert isinstance(region["score"], float)
    box = region["box"]
    assert isinstance(box, list)
    served = client.get(photo["url"]).content
    assert residual_detail(served, box) < 2 < 10 < residual_detail(ASTRONAUT, box)


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
