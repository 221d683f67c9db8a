"""A coordinator's own box: what the detectors missed is pixelated in every served copy, the
sealed original stays the photo as taken, the report's timeline says who added one, and nobody
else adds one."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.runtime import Runtime
from app.main import create_app
from app.photos.intake import close_image_pool
from app.photos.sealing import original_store, unseal
from app.photos.storage import photo_store
from app.reports.models import PhotoReveal, ReportEvent, ReportEventKind, ReportPhoto
from tests.clients import english_client
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.photos.factories import fixture_photo
from tests.reports.factories import post_report, redact_taken_photos
from tests.reports.test_photo_redaction import ASTRONAUT, residual_detail

# A street scene with no face or plate a detector finds (bench/redaction.py's test set).
STREET = fixture_photo("jpg/gps/DSCN0010.jpg")
# A patch of its display copy full of detail, in its pixels.
BOX = [200, 150, 360, 270]
REASON = "交警协查：核对车牌"


def reported(client: TestClient, session: Session, people: People, photo: bytes) -> ReportPhoto:
    """A rider's report of `photo`, redacted; its photo row."""
    sent = post_report(client, people.rider.headers, (photo,))
    assert sent.status_code == 201, sent.text
    redact_taken_photos(client)
    [row] = session.exec(select(ReportPhoto)).all()
    session.close()  # the app writes next
    return row


def add_box(
    client: TestClient, photo: ReportPhoto, headers: dict[str, str], box: object = BOX
) -> Any:
    return client.post(
        f"/api/v1/reports/{photo.report_id}/photos/{photo.id}/regions",
        json={"box": box},
        headers=headers,
    )


def test_a_coordinators_box_is_pixelated_in_every_served_copy(
    client: TestClient, session: Session, runtime: Runtime, people: People
) -> None:
    before = reported(client, session, people, STREET)
    assert (before.redacted_regions, before.original_key) == ([], None)
    served_before = photo_store(runtime.settings).read(before.display_key)
    assert residual_detail(served_before, BOX) > 10
    old_link = client.get(
        f"/api/v1/reports/{before.report_id}", headers=people.rider.headers
    ).json()["photos"][0]["url"]
    assert client.get(old_link).status_code == 200

    response = add_box(client, before, people.coordinator.headers)

    assert response.status_code == 201, response.text
    photo = response.json()
    assert (photo["ready"], photo["redacted_regions"]) == (True, 1)
    assert photo["regions"] == [{"kind": "manual", "box": BOX}]
    served = client.get(photo["url"]).content
    assert residual_detail(served, BOX) < 2
    assert client.get(old_link).status_code == 404  # the copy that showed it is gone at once
    # Only the box: the rest of the picture is as it was.
    elsewhere = [BOX[2] + 20, BOX[3] + 20, BOX[2] + 180, BOX[3] + 140]
    assert residual_detail(served, elsewhere) == pytest.approx(
        residual_detail(served_before, elsewhere), abs=1.5
    )
    # The report's page shows the new copies, and who added the box is kept with it.
    page = client.get(f"/api/v1/reports/{before.report_id}", headers=people.rider.headers).json()
    assert page["photos"][0]["url"].split("?")[0] == photo["url"].split("?")[0]
    [row] = session.exec(select(ReportPhoto)).all()
    [region] = row.redacted_regions
    assert (region["kind"], region["added_by"]) == ("manual", people.coordinator.id)
    # The sealed original is the photo before any pixelation, bound to the new copy.
    assert row.original_key is not None
    sealed = original_store(runtime.settings).read(row.original_key)
    original = unseal(sealed, secret_key=runtime.settings.secret_key, bound_to=row.display_key)
    assert original == served_before


def region_events(session: Session) -> list[ReportEvent]:
    return list(
        session.exec(
            select(ReportEvent).where(ReportEvent.kind == ReportEventKind.PHOTO_REGION_ADDED)
        )
    )


def test_the_timeline_says_who_added_a_box_to_which_photo_and_nothing_of_the_box(
    client: TestClient, session: Session, people: People
) -> None:
    before = reported(client, session, people, STREET)

    response = add_box(client, before, people.coordinator.headers)

    assert response.status_code == 201, response.text
    [row] = region_events(session)
    assert (row.report_id, row.actor_id) == (before.report_id, people.coordinator.id)
    assert (row.from_status, row.to_status, row.task_id) == (None, None, None)
    path = f"/api/v1/reports/{before.report_id}/events"
    timeline = client.get(path, headers=people.coordinator.headers).json()["items"]
    assert [event["kind"] for event in timeline] == ["submitted", "photo_region_added"]
    added = timeline[-1]
    assert added["actor"]["id"] == people.coordinator.id
    assert added["actor"]["role"] == "coordinator"
    assert added["note"] == "现场照片第 1 张"
    # The reporter reads it too: who (a coordinator, by name), not where the box is.
    [seen] = [
        event
        for event in client.get(path, headers=people.rider.headers).json()["items"]
        if event["kind"] == "photo_region_added"
    ]
    assert seen["actor"]["id"] == people.coordinator.id
    assert not any(str(edge) in seen["note"] for edge in BOX)


def test_a_box_added_to_a_redacted_face_keeps_both_and_each_can_be_revealed(
    client: TestClient, session: Session, runtime: Runtime, people: People
) -> None:
    before = reported(client, session, people, ASTRONAUT)
    [face] = before.redacted_regions
    box = [10, 10, 90, 90]

    response = add_box(client, before, people.coordinator.headers, box)

    assert response.status_code == 201, response.text
    assert [region["kind"] for region in response.json()["regions"]] == ["face", "manual"]
    served = client.get(response.json()["url"]).content
    assert isinstance(face["box"], list)
    assert residual_detail(served, face["box"]) < 2
    assert residual_detail(served, box) < 2
    revealed = client.post(
        f"/api/v1/reports/{before.report_id}/photos/{before.id}/reveal",
        json={"region": 1, "reason": REASON},
        headers=people.coordinator.headers,
    )
    assert revealed.status_code == 200, revealed.text
    assert revealed.headers["content-type"] == "image/jpeg"
    [audit] = session.exec(select(PhotoReveal)).all()
    assert (audit.region, audit.box) == (1, box)
    session.close()  # the next reveal writes its audit row
    # The face revealed from the re-sealed original is the face as taken.
    face_again = client.post(
        f"/api/v1/reports/{before.report_id}/photos/{before.id}/reveal",
        json={"region": 0, "reason": REASON},
        headers=people.coordinator.headers,
    )
    assert face_again.status_code == 200, face_again.text
    left, top, right, bottom = face["box"]
    assert residual_detail(face_again.content, [0, 0, right - left, bottom - top]) > 10


def test_no_one_else_adds_a_box_and_a_bad_box_changes_nothing(
    client: TestClient, session: Session, people: People
) -> None:
    before = reported(client, session, people, STREET)

    assert_problem(add_box(client, before, people.rider.headers), 403)
    assert_problem(add_box(client, before, people.unit.headers), 403)
    assert_problem(add_box(client, before, people.other_coordinator.headers), 404)
    coordinator = people.coordinator.headers
    outside = [0, 0, before.width + 1, 50]
    for box in (outside, [50, 50, 40, 90], [10, 10, 14, 60], [1, 2, 3], "x"):
        assert_problem(add_box(client, before, coordinator, box), 422)
    other_photo = before.model_copy(update={"id": before.id + 1})
    assert_problem(add_box(client, other_photo, coordinator), 404)

    [after] = session.exec(select(ReportPhoto)).all()
    assert (after.display_key, after.redacted_regions) == (before.display_key, [])
    assert region_events(session) == []  # a refused box leaves the timeline as it was


def test_a_photo_still_waiting_for_redaction_takes_no_box_yet(
    runtime: Runtime, session: Session, people: People
) -> None:
    idle = english_client(create_app(runtime=runtime))  # no lifespan: no worker redacts it
    try:
        sent = post_report(idle, people.rider.headers, (STREET,))
        [pending] = session.exec(select(ReportPhoto)).all()
        session.close()
        assert sent.status_code == 201, sent.text

        assert_problem(add_box(idle, pending, people.coordinator.headers), 409)
        assert region_events(session) == []
    finally:
        close_image_pool(runtime)
