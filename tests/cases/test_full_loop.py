"""The whole loop the county runs: 信息收集 → 问题发现 → 任务分办 → 协同处置 → 结果反馈."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.cases.factories import Steps
from tests.factories import COMMUNITY, GRID, GRID_POINT, login
from tests.fixtures.people import People, Person
from tests.photos.factories import make_jpeg


def _submit(client: TestClient, rider: dict[str, str]) -> int:
    lon, lat = GRID_POINT
    fields = {
        "category": "0102",
        "client_id": str(uuid.uuid4()),
        "description": "小区东门垃圾堆放三天无人清理",
        "lat": str(lat),
        "lon": str(lon),
    }
    photo = ("photo", ("before.jpg", make_jpeg(320, 240), "image/jpeg"))
    response = client.post("/api/v1/reports", data=fields, files=[photo], headers=rider)
    assert response.status_code == 201, response.text
    assert (response.json()["status"], response.json()["grid"]["code"]) == ("submitted", GRID)
    report_id: int = response.json()["id"]
    return report_id


def _inbox(steps: Steps, person: Person) -> list[str]:
    """The kinds of a person's notifications, oldest first."""
    return [n["kind"] for n in reversed(steps.notifications(person))]


def test_a_report_goes_round_the_whole_loop_and_every_step_is_on_record(
    client: TestClient, session: Session, people: People, steps: Steps
) -> None:
    coordinator, rider = people.coordinator, people.rider
    property_unit, law_unit, street_office = (
        people.property_unit,
        people.law_unit,
        people.street_office_unit,
    )
    report_id = _submit(client, login(client, rider.username))

    steps.accept(report_id)
    property_task = steps.dispatch(report_id, property_unit, note="物业清运")["id"]
    law_task = steps.dispatch(report_id, law_unit, note="查处乱倒")["id"]
    steps.hand_back(law_task, law_unit, reason="属生活垃圾，不属执法范围")
    office_task = steps.dispatch(report_id, street_office, note="街道协调清运")["id"]
    for task_id, unit in [(property_task, property_unit), (office_task, street_office)]:
        steps.take(task_id, unit)
    steps.complete(property_task, property_unit, note="已清运")
    assert steps.report(report_id)["status"] == "in_progress"
    steps.complete(office_task, street_office, note="已协调")
    assert steps.report(report_id)["status"] == "resolved"
    steps.rework(report_id, note="墙角仍有垃圾")
    for task_id, unit in [(property_task, property_unit), (office_task, street_office)]:
        steps.take(task_id, unit)
        steps.complete(task_id, unit, note="已彻底清理")
    closed = steps.approve(report_id)

    assert closed["status"] == "closed"
    assert [p["kind"] for p in closed["photos"]] == ["before"] + ["after"] * 4
    assert _inbox(steps, rider) == [
        "report_accepted",
        "report_dispatched",
        "report_resolved",
        "report_rework",
        "report_resolved",
        "report_closed",
    ]
    rating = steps.post(f"/reports/{report_id}/rating", rider, json={"stars": 5, "comment": "满意"})
    assert rating.status_code == 201, rating.text
    assert _inbox(steps, property_unit) == ["task_assigned", "task_reopened"]
    assert _inbox(steps, law_unit) == ["task_assigned"]
    assert _inbox(steps, street_office) == ["task_assigned", "task_reopened"]
    # The coordinator hears of the report, the returned task and each time it waits for 核查.
    assert _inbox(steps, coordinator) == [
        "report_new",
        "task_returned",
        "case_to_verify",
        "case_to_verify",
    ]

    timeline = steps.get(f"/reports/{report_id}/events", coordinator).json()["items"]
    steps_on_record = [
        (e["kind"], e["to_status"], e["actor"]["name"] if e["actor"] else None, e["task_id"])
        for e in timeline
    ]
    assert steps_on_record == [
        ("submitted", "submitted", rider.username, None),
        ("status_changed", "accepted", coordinator.username, None),
        ("task_dispatched", None, coordinator.username, property_task),
        ("status_changed", "dispatched", coordinator.username, None),
        ("task_dispatched", None, coordinator.username, law_task),
        ("task_returned", None, law_unit.username, law_task),
        ("task_dispatched", None, coordinator.username, office_task),
        ("task_accepted", None, property_unit.username, property_task),
        ("status_changed", "in_progress", property_unit.username, None),
        ("task_accepted", None, street_office.username, office_task),
        ("task_completed", None, property_unit.username, property_task),
        ("task_completed", None, street_office.username, office_task),
        ("status_changed", "resolved", street_office.username, None),
        ("status_changed", "dispatched", coordinator.username, None),
        ("task_reopened", None, coordinator.username, property_task),
        ("task_reopened", None, coordinator.username, office_task),
        ("task_accepted", None, property_unit.username, property_task),
        ("status_changed", "in_progress", property_unit.username, None),
        ("task_completed", None, property_unit.username, property_task),
        ("task_accepted", None, street_office.username, office_task),
        ("task_completed", None, street_office.username, office_task),
        ("status_changed", "resolved", street_office.username, None),
        ("status_changed", "closed", coordinator.username, None),
    ]
    returned = next(e for e in timeline if e["kind"] == "task_returned")
    assert returned["note"] == "属生活垃圾，不属执法范围"

    stats = steps.get("/stats", coordinator, params={"area": COMMUNITY}).json()
    assert {
        key: stats[key]
        for key in ("received", "cases", "closed", "closed_on_time", "reworked", "overdue_now")
    } == {
        "received": 1,
        "cases": 1,
        "closed": 1,
        "closed_on_time": 1,
        "reworked": 1,
        "overdue_now": 0,
    }
    assert (stats["closure_rate"], stats["rework_rate"]) == (1.0, 1.0)
