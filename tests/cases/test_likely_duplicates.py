"""Likely duplicates (GET /reports/{id}/likely-duplicates): the open cases nearby of the same
category, ranked by the perceptual hashes of their photos, then distance, then time."""

import io
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from app.core.clock import utcnow
from app.photos.perceptual import hash_distance, perceptual_hash
from app.reports.models import PhotoRedaction, ReportPhoto
from tests.cases.factories import OTHER_GRID, Steps
from tests.factories import GRID_POINT, assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report
from tests.photos.factories import fixture_photo
from tests.reports.factories import DIRTY_ROAD, once_redacted, post_report

STREET = "privacy/street-plates.jpg"  # the Nokia street scene, rescaled, with plates pasted in
STREET_ORIGINAL = "jpg/mobile/HMD_Nokia_8.3_5G.jpg"
PORTRAIT = "privacy/astronaut.jpg"
METRES_NORTH = 1 / 111_320  # degrees of latitude per metre


def pixels(name: str) -> Image.Image:
    return Image.open(io.BytesIO(fixture_photo(name))).convert("RGB")


def test_two_photos_of_one_scene_hash_close_and_other_scenes_far() -> None:
    street, original, portrait = (
        perceptual_hash(pixels(n)) for n in (STREET, STREET_ORIGINAL, PORTRAIT)
    )

    assert len(street) == 16
    assert hash_distance(street, street) == 0
    assert hash_distance(street, original) <= 10
    assert hash_distance(street, portrait) >= 20
    assert hash_distance(original, portrait) >= 20


def with_photo_hash(session: Session, report_id: int, phash: str | None) -> None:
    """Give a factory report one served photo with this hash."""
    session.add(
        ReportPhoto(
            report_id=report_id,
            display_key=f"{report_id:064x}",
            thumbnail_key=f"{report_id:064x}",
            width=320,
            height=240,
            thumbnail_width=320,
            thumbnail_height=240,
            redaction=PhotoRedaction.REDACTED,
            phash=phash,
            uploaded_by_id=1,
        )
    )
    session.commit()


def north(metres: float) -> tuple[float, float]:
    lon, lat = GRID_POINT
    return lon, lat + metres * METRES_NORTH


def ids_of(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["report"]["id"] for item in response.json()["items"]]


def test_cases_rank_by_photo_likeness_then_distance_then_time(
    session: Session, people: People, steps: Steps
) -> None:
    rider, now = people.rider.id, utcnow()
    outsider = people.other_coordinator

    def report_at(metres: float, age: timedelta = timedelta(0), **fields: Any) -> int:
        created = make_report(session, rider, point=north(metres), created_at=now - age, **fields)
        assert created.id is not None
        return created.id

    same_far = report_at(60, timedelta(hours=3))
    same_near = report_at(20, timedelta(days=2))
    same_near_later = report_at(20, timedelta(hours=1))
    unlike_nearest = report_at(0)
    unhashed = report_at(5)
    other_kind = report_at(10, category_code=DIRTY_ROAD)
    beyond_radius = report_at(150)
    too_old = report_at(0, timedelta(days=9))
    other_town = make_report(session, rider, grid=OTHER_GRID).id
    not_a_case = report_at(10)
    report = report_at(0)
    photos = {
        report: "e3a43c1393ec5c33",
        same_far: "e3a43c1393ec5c33",  # the same picture
        same_near: "e3ac3c1389ac6c3b",  # 8 bits apart
        same_near_later: "e3ac3c1389ac6c3b",
        unlike_nearest: "c2924c5532bddfc8",  # 28 bits apart
        unhashed: None,
        **dict.fromkeys(
            [other_kind, beyond_radius, too_old, other_town, not_a_case], "e3a43c1393ec5c33"
        ),
    }
    for report_id, phash in photos.items():
        with_photo_hash(session, report_id, phash)
    for case_id in (same_far, same_near, same_near_later, unlike_nearest, unhashed, other_kind):
        steps.accept(case_id)
    for case_id in (beyond_radius, too_old):
        steps.accept(case_id)
    steps.accept(other_town, by=outsider)

    response = steps.get(f"/reports/{report}/likely-duplicates", people.coordinator)

    assert ids_of(response) == [same_far, same_near_later, same_near, unlike_nearest, unhashed]
    assert [item["photo_distance"] for item in response.json()["items"]] == [0, 8, 8, 28, None]
    assert response.json()["items"][1]["distance_m"] == pytest.approx(20, abs=1)


def test_a_second_report_of_the_same_scene_finds_the_first_by_its_photo(
    client: TestClient, people: People, steps: Steps
) -> None:
    headers = people.rider.headers
    portrait = post_report(client, headers, (fixture_photo(PORTRAIT),)).json()
    first = post_report(client, headers, (fixture_photo(STREET),)).json()
    second = post_report(client, people.other_rider.headers, (fixture_photo(STREET_ORIGINAL),))
    second_id = second.json()["id"]
    for case in (portrait, first):
        steps.accept(case["id"])
    once_redacted(client, headers, first)

    response = steps.get(f"/reports/{second_id}/likely-duplicates", people.coordinator)

    assert ids_of(response) == [first["id"], portrait["id"]]
    best = response.json()["items"][0]
    assert best["photo_distance"] <= 10
    assert best["report"]["photos"][0]["url"]
    steps.merge(second_id, into=best["report"]["id"])
    assert steps.report(second_id)["duplicate_of"] == first["id"]


def test_every_stored_photo_is_hashed_once_at_intake(
    client: TestClient, session: Session, people: People
) -> None:
    posted = post_report(client, people.rider.headers, (fixture_photo(STREET),))
    assert posted.status_code == 201, posted.text
    once_redacted(client, people.rider.headers, posted.json())

    [phash] = session.exec(select(ReportPhoto.phash)).all()

    # The display picture's hash: the upload's, give or take its resizing.
    assert phash is not None
    assert hash_distance(phash, perceptual_hash(pixels(STREET))) <= 2


def test_the_suggestions_are_scoped_like_the_report(
    session: Session, people: People, steps: Steps
) -> None:
    outsider = people.other_coordinator
    case_id = make_report(session, people.rider.id).id
    report_id = make_report(session, people.other_rider.id).id
    steps.accept(case_id)

    assert_problem(steps.get(f"/reports/{report_id}/likely-duplicates", outsider), 404)
    assert ids_of(steps.get(f"/reports/{report_id}/likely-duplicates", people.coordinator)) == [
        case_id
    ]
    # A rider sees their own report, but not the other rider's case next to it.
    assert ids_of(steps.get(f"/reports/{report_id}/likely-duplicates", people.other_rider)) == []
