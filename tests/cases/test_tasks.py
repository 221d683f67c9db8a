"""Tasks: dispatching to units, their answers, after photos, and who hears of what."""

from typing import Any

import pytest
from sqlmodel import Session

from tests.cases.factories import Steps, after_photo
from tests.factories import assert_problem
from tests.fixtures.people import People, unit_code_of
from tests.fixtures.reports import make_report
from tests.photos.factories import make_jpeg
from tests.reports.factories import redact_taken_photos


def _accepted_report(session: Session, people: People, steps: Steps) -> int:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    assert report.id is not None
    return report.id


@pytest.mark.parametrize(
    ("unit", "status"),
    [
        ("no-such-unit", 422),
        ("other_unit", 422),  # a unit of a community outside the coordinator's areas
        ("", 422),
    ],
)
def test_dispatch_refuses_units_outside_the_coordinators_areas(
    session: Session, people: People, steps: Steps, unit: str, status: int
) -> None:
    report_id = _accepted_report(session, people, steps)
    code = unit_code_of(people.other_unit) if unit == "other_unit" else unit
    body = {"unit_code": code}
    response = steps.post(f"/reports/{report_id}/tasks", people.coordinator, json=body)
    assert assert_problem(response, status)["errors"][0]["field"] == "unit_code"
    assert steps.report(report_id)["status"] == "accepted"


def test_a_street_coordinator_may_dispatch_to_any_unit_of_the_street(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _accepted_report(session, people, steps)
    body = {"unit_code": unit_code_of(people.law_unit)}
    response = steps.post(f"/reports/{report_id}/tasks", people.street_coordinator, json=body)
    assert response.status_code == 201, response.text


def test_a_unit_gets_one_unfinished_task_per_case(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _accepted_report(session, people, steps)
    first = steps.dispatch(report_id, people.property_unit)
    body = {"unit_code": unit_code_of(people.property_unit)}
    assert_problem(steps.post(f"/reports/{report_id}/tasks", people.coordinator, json=body), 409)
    steps.hand_back(first["id"], people.property_unit)
    assert steps.dispatch(report_id, people.property_unit)["status"] == "open"


def test_a_new_task_is_listed_for_its_unit_who_is_told_of_it(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _accepted_report(session, people, steps)
    task = steps.dispatch(report_id, people.property_unit, note="东门垃圾")

    [listed] = steps.get("/tasks", people.property_unit).json()["items"]
    assert {key: listed[key] for key in ("id", "report_id", "unit_code", "status")} == {
        "id": task["id"],
        "report_id": report_id,
        "unit_code": unit_code_of(people.property_unit),
        "status": "open",
    }
    assert (listed["overdue"], listed["note"], listed["report"]["status"]) == (
        False,
        "东门垃圾",
        "dispatched",
    )
    [told] = steps.notifications(people.property_unit)
    assert (told["kind"], told["task_id"], told["body"]) == (
        "task_assigned",
        task["id"],
        "东门垃圾",
    )
    assert "暴露垃圾" in told["title_zh"]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": " \n "}])
def test_a_return_needs_a_reason(
    session: Session, people: People, steps: Steps, body: dict[str, Any]
) -> None:
    report_id = _accepted_report(session, people, steps)
    task = steps.dispatch(report_id, people.property_unit)
    response = steps.post(f"/tasks/{task['id']}/return", people.property_unit, json=body)
    assert assert_problem(response, 422)["errors"][0]["field"] == "reason"


def test_a_returned_task_tells_the_coordinator_and_waits_for_another_unit(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _accepted_report(session, people, steps)
    property_task = steps.dispatch(report_id, people.property_unit)
    law_task = steps.dispatch(report_id, people.law_unit)

    returned = steps.hand_back(property_task["id"], people.property_unit, reason="占道经营归城管")
    assert (returned["status"], returned["return_reason"]) == ("returned", "占道经营归城管")
    # The law-enforcement team still holds its task: the case stays with the units.
    assert steps.report(report_id)["status"] == "dispatched"
    [told] = steps.notifications(people.coordinator)
    assert (told["kind"], told["body"], told["task_id"]) == (
        "task_returned",
        "占道经营归城管",
        property_task["id"],
    )
    steps.hand_back(law_task["id"], people.law_unit)
    assert steps.report(report_id)["status"] == "accepted"


@pytest.mark.parametrize(
    ("files", "status", "field"),
    [
        ([], 422, "photo"),
        ([("photo", ("a.txt", b"not a photo at all", "text/plain"))], 415, "photo[0]"),
        ([("photo", ("a.jpg", b"\xff\xd8\xff\xe0broken", "image/jpeg"))], 422, "photo[0]"),
    ],
)
def test_completing_needs_a_real_after_photo(
    session: Session,
    people: People,
    steps: Steps,
    files: list[Any],
    status: int,
    field: str,
) -> None:
    report_id = _accepted_report(session, people, steps)
    task = steps.dispatch(report_id, people.property_unit)
    steps.take(task["id"], people.property_unit)

    response = steps.post(
        f"/tasks/{task['id']}/complete", people.property_unit, data={"note": "好了"}, files=files
    )

    assert assert_problem(response, status)["errors"][0]["field"] == field
    assert steps.get(f"/tasks/{task['id']}", people.property_unit).json()["status"] == "in_progress"
    assert steps.report(report_id)["photos"] == []


def test_a_photo_over_the_byte_limit_is_413(session: Session, people: People, steps: Steps) -> None:
    report_id = _accepted_report(session, people, steps)
    task = steps.dispatch(report_id, people.property_unit)
    steps.take(task["id"], people.property_unit)
    too_big = b"\xff\xd8\xff" + b"\0" * (20 * 1024 * 1024 + 1)
    response = steps.post(
        f"/tasks/{task['id']}/complete",
        people.property_unit,
        files=[("photo", ("big.jpg", too_big, "image/jpeg"))],
    )
    assert_problem(response, 413)


def test_the_after_photos_and_the_result_note_reach_the_case(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _accepted_report(session, people, steps)
    task = steps.dispatch(report_id, people.property_unit)
    steps.take(task["id"], people.property_unit)
    photos = [after_photo(), ("photo", ("b.jpg", make_jpeg(80, 60), "image/jpeg"))]

    response = steps.post(
        f"/tasks/{task['id']}/complete",
        people.property_unit,
        data={"note": "  已清运完毕  "},
        files=photos,
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["result_note"]) == (
        "completed",
        "已清运完毕",
    )
    redact_taken_photos(steps.client)
    report = steps.report(report_id, viewer=people.rider)
    assert report["status"] == "resolved"
    assert [(p["kind"], p["width"]) for p in report["photos"]] == [("after", 64), ("after", 80)]
    photo = steps.client.get(report["photos"][1]["url"])
    assert (photo.status_code, photo.headers["content-type"]) == (200, "image/jpeg")


def test_rework_reopens_every_completed_task_and_tells_their_units(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _accepted_report(session, people, steps)
    units = [people.property_unit, people.law_unit]
    task_ids = [steps.dispatch(report_id, unit)["id"] for unit in units]
    for task_id, unit in zip(task_ids, units, strict=True):
        steps.take(task_id, unit)
        steps.complete(task_id, unit)

    steps.rework(report_id, note="路面仍有油污")

    for task_id, unit in zip(task_ids, units, strict=True):
        task = steps.get(f"/tasks/{task_id}", unit).json()
        assert (task["status"], task["rework_count"]) == ("open", 1)
        latest = steps.notifications(unit)[0]
        assert (latest["kind"], latest["body"]) == ("task_reopened", "路面仍有油污")


def test_rework_of_one_named_task_leaves_the_others_completed(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _accepted_report(session, people, steps)
    units = [people.property_unit, people.law_unit]
    task_ids = [steps.dispatch(report_id, unit)["id"] for unit in units]
    for task_id, unit in zip(task_ids, units, strict=True):
        steps.take(task_id, unit)
        steps.complete(task_id, unit)

    steps.rework(report_id, task_id=task_ids[1])

    statuses = [steps.get(f"/tasks/{t}", people.coordinator).json()["status"] for t in task_ids]
    assert statuses == ["completed", "open"]
    bad = {"approved": False, "note": "再查", "task_id": 999_999}
    steps.take(task_ids[1], people.law_unit)
    steps.complete(task_ids[1], people.law_unit)
    response = steps.post(f"/reports/{report_id}/verify", people.coordinator, json=bad)
    assert assert_problem(response, 422)["errors"][0]["field"] == "task_id"


def test_rework_needs_a_note(session: Session, people: People, steps: Steps) -> None:
    report = make_report(session, people.rider.id)
    steps.to_resolved(report.id, people.property_unit)
    body = {"approved": False, "note": "  "}
    response = steps.post(f"/reports/{report.id}/verify", people.coordinator, json=body)
    assert assert_problem(response, 422)["errors"][0]["field"] == "note"
    assert steps.report(report.id)["status"] == "resolved"


def test_the_task_list_filters_by_status_and_case_and_pages_with_a_cursor(
    session: Session, people: People, steps: Steps
) -> None:
    report_ids = [_accepted_report(session, people, steps) for _ in range(3)]
    task_ids = [steps.dispatch(r, people.property_unit)["id"] for r in report_ids]
    steps.take(task_ids[0], people.property_unit)
    unit = people.property_unit

    def ids(**params: Any) -> tuple[list[int], str | None]:
        page = steps.get("/tasks", unit, params=params).json()
        return [t["id"] for t in page["items"]], page["next_cursor"]

    assert ids(status="open") == ([task_ids[2], task_ids[1]], None)
    assert ids(status="in_progress") == ([task_ids[0]], None)
    assert ids(report_id=report_ids[1]) == ([task_ids[1]], None)
    first, cursor = ids(limit=2)
    assert first == [task_ids[2], task_ids[1]]
    assert ids(limit=2, cursor=cursor) == ([task_ids[0]], None)
    assert_problem(steps.get("/tasks", unit, params={"cursor": "abc"}), 422)
    assert_problem(steps.get("/tasks", unit, params={"status": "lost"}), 422)
