"""Bulk triage (POST /reports/bulk): each report applied like the single action, one line each,
and a retry with the same client_id applies nothing twice."""

import uuid
from typing import Any

import pytest
from sqlmodel import Session, func, select

from app.cases.models import BulkAction
from app.cases.schemas import BULK_MAX_REPORTS
from app.reports.models import ReportEvent
from tests.cases.factories import OTHER_GRID, Steps
from tests.factories import assert_problem
from tests.fixtures.people import People, Person, unit_code_of
from tests.fixtures.reports import make_report

JSON = dict[str, Any]


def bulk(steps: Steps, person: Person, body: JSON) -> Any:
    return steps.post("/reports/bulk", person, json={"client_id": str(uuid.uuid4()), **body})


def lines_of(response: Any) -> list[tuple[int, str]]:
    assert response.status_code == 200, response.text
    return [(line["id"], line["outcome"]) for line in response.json()["results"]]


def events_of(session: Session) -> int:
    """Timeline entries of all reports; the test's transaction ends, so the app may write (and
    the test's rows are expired: read their ids before)."""
    count = session.exec(select(func.count()).select_from(ReportEvent)).one()
    session.rollback()
    return count


def test_bulk_accept_answers_one_line_per_report_in_order(
    session: Session, people: People, steps: Steps
) -> None:
    someone_else = people.grid_coordinator
    fresh, seen_stale, closed_off = (make_report(session, people.rider.id) for _ in range(3))
    outside = make_report(session, people.other_rider.id, grid=OTHER_GRID)
    stale_seen_at = steps.report(seen_stale.id)["updated_at"]
    steps.reject(closed_off.id)
    # Someone else acts on it after this coordinator loaded the queue.
    steps.accept(seen_stale.id, by=someone_else)

    response = bulk(
        steps,
        people.coordinator,
        {
            "action": "accept",
            "note": "批量受理",
            "reports": [
                {"id": fresh.id, "updated_at": steps.report(fresh.id)["updated_at"]},
                {"id": seen_stale.id, "updated_at": stale_seen_at},
                {"id": closed_off.id},
                {"id": outside.id},
                {"id": 999_999},
            ],
        },
    )

    assert lines_of(response) == [
        (fresh.id, "done"),
        (seen_stale.id, "stale"),
        (closed_off.id, "not_allowed"),
        (outside.id, "not_in_area"),
        (999_999, "not_in_area"),
    ]
    details = [line["detail"] for line in response.json()["results"]]
    assert details[0] is None
    assert all(details[1:])
    assert steps.report(fresh.id)["status"] == "accepted"
    assert steps.report(closed_off.id)["status"] == "rejected"
    timeline = steps.get(f"/reports/{fresh.id}/events", people.rider).json()["items"]
    assert (timeline[-1]["to_status"], timeline[-1]["note"]) == ("accepted", "批量受理")


def test_a_retry_answers_the_same_lines_and_applies_nothing_twice(
    session: Session, people: People, steps: Steps
) -> None:
    unit = people.property_unit
    ids = [make_report(session, people.rider.id).id for _ in range(3)]
    body = {
        "client_id": str(uuid.uuid4()),
        "action": "dispatch",
        "unit_code": unit_code_of(unit),
        "note": "请尽快清理",
        "reports": [{"id": report_id} for report_id in ids],
    }
    for report_id in ids[:2]:
        steps.accept(report_id)
    first = steps.post("/reports/bulk", people.coordinator, json=body)
    events = events_of(session)

    again = steps.post("/reports/bulk", people.coordinator, json=body)

    assert again.json() == first.json()
    assert lines_of(first) == [(ids[0], "done"), (ids[1], "done"), (ids[2], "not_allowed")]
    assert events_of(session) == events
    task_ids = [line["task_id"] for line in first.json()["results"][:2]]
    tasks = steps.get("/tasks", unit).json()["items"]
    assert sorted((task["id"], task["report_id"], task["note"]) for task in tasks) == sorted(
        zip(task_ids, ids[:2], ["请尽快清理"] * 2, strict=True)
    )
    for report_id in ids[:2]:
        assert steps.report(report_id)["status"] == "dispatched"


def test_a_client_id_sent_with_another_request_is_a_conflict(
    session: Session, people: People, steps: Steps
) -> None:
    first, second = (make_report(session, people.rider.id) for _ in range(2))
    client_id = str(uuid.uuid4())
    body = {"client_id": client_id, "action": "accept", "reports": [{"id": first.id}]}
    assert lines_of(steps.post("/reports/bulk", people.coordinator, json=body)) == [
        (first.id, "done")
    ]

    other = {**body, "reports": [{"id": second.id}]}
    response = steps.post("/reports/bulk", people.coordinator, json=other)

    assert_problem(response, 409, slug="client-id-reused")
    assert steps.report(second.id)["status"] == "submitted"


def test_bulk_merge_makes_each_report_a_duplicate_of_the_main_case(
    session: Session, people: People, steps: Steps
) -> None:
    main = make_report(session, people.rider.id)
    copies = [make_report(session, people.other_rider.id) for _ in range(3)]
    steps.accept(main.id)
    steps.reject(copies[2].id)

    response = bulk(
        steps,
        people.coordinator,
        {"action": "merge", "into": main.id, "reports": [{"id": r.id} for r in copies]},
    )

    assert lines_of(response) == [
        (copies[0].id, "done"),
        (copies[1].id, "done"),
        (copies[2].id, "not_allowed"),
    ]
    for copy in copies[:2]:
        seen = steps.report(copy.id)
        assert (seen["status"], seen["duplicate_of"]) == ("duplicate", main.id)


def test_bulk_merge_into_a_report_that_is_no_case_fails_each_line(
    session: Session, people: People, steps: Steps
) -> None:
    main, copy = (make_report(session, people.rider.id) for _ in range(2))

    response = bulk(
        steps,
        people.coordinator,
        {"action": "merge", "into": main.id, "reports": [{"id": copy.id}]},
    )

    assert lines_of(response) == [(copy.id, "not_allowed")]
    assert steps.report(copy.id)["status"] == "submitted"


@pytest.mark.parametrize(
    "body",
    [
        {"action": "accept", "reports": []},
        {"action": "accept", "reports": [{"id": i} for i in range(1, BULK_MAX_REPORTS + 2)]},
        {"action": "accept", "reports": [{"id": 1}, {"id": 1}]},
        {"action": "merge", "reports": [{"id": 1}]},
        {"action": "merge", "into": 1, "reports": [{"id": 1}, {"id": 2}]},
        {"action": "dispatch", "reports": [{"id": 1}]},
        {"action": "close", "reports": [{"id": 1}]},
    ],
)
def test_a_malformed_bulk_request_is_refused_whole(
    session: Session, people: People, steps: Steps, body: JSON
) -> None:
    make_report(session, people.rider.id)

    assert_problem(bulk(steps, people.coordinator, body), 422)

    assert session.exec(select(func.count()).select_from(BulkAction)).one() == 0
    assert steps.report(1)["status"] == "submitted"


def test_a_coordinator_of_another_town_can_act_on_none_of_them(
    session: Session, people: People, steps: Steps
) -> None:
    outsider, unit_code = people.other_coordinator, unit_code_of(people.property_unit)
    target, case = (make_report(session, people.rider.id).id for _ in range(2))
    steps.accept(case)
    events = events_of(session)

    for action in (
        {"action": "accept"},
        {"action": "merge", "into": case},
        {"action": "dispatch", "unit_code": unit_code},
    ):
        response = bulk(steps, outsider, {**action, "reports": [{"id": target}]})
        assert lines_of(response) == [(target, "not_in_area")]

    assert events_of(session) == events
    assert steps.report(target)["status"] == "submitted"


@pytest.mark.parametrize("role", ["admin", "property_unit", "rider"])
def test_only_coordinators_act_in_bulk(
    session: Session, people: People, steps: Steps, role: str
) -> None:
    report = make_report(session, people.rider.id)

    response = bulk(
        steps, getattr(people, role), {"action": "accept", "reports": [{"id": report.id}]}
    )

    assert_problem(response, 403)
    assert steps.report(report.id)["status"] == "submitted"
