"""GET /api/v1/me/inbox: what waits for an area manager, counted as their lists show it, and a
notification for each new thing in their inbox; nothing of another town's."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from app.core.runtime import Runtime
from tests.cases.factories import Steps
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.inbox.factories import (
    case_to_verify,
    inbox,
    new_report,
    notification_kinds,
    overdue_task,
    registration,
    returned_task,
)
from tests.reports.factories import post_report

NOTHING = {
    "new_reports": 0,
    "verification": 0,
    "returned_tasks": 0,
    "overdue_tasks": 0,
    "registrations": 0,
    "unread": 0,
}


def test_each_kind_is_counted_and_notified_for_its_areas_coordinators_only(
    client: TestClient,
    session: Session,
    people: People,
    steps: Steps,
    runtime: Runtime,
    settings: Settings,
) -> None:
    watchers = [people.coordinator, people.street_coordinator, people.other_coordinator]
    new_report(client, people)
    case_to_verify(client, people, steps)
    returned_task(client, people, steps)
    overdue_task(client, people, steps, runtime, settings)
    registration(client, "13900000011")

    counts = inbox(client, people.coordinator)
    # The case to verify, the returned and the overdue task began as new reports: accepted since.
    assert {name: n for name, n in counts.items() if name != "unread"} == {
        "new_reports": 1,
        "verification": 1,
        "returned_tasks": 1,
        "overdue_tasks": 1,
        "registrations": 1,
    }
    kinds = notification_kinds(session, steps, people.coordinator)
    assert kinds == sorted(
        ["report_new"] * 4 + ["case_to_verify", "task_returned", "task_overdue", "rider_registered"]
    )
    assert counts["unread"] == len(kinds)
    # The street's coordinator's lists show the town: it counts the same.
    street = inbox(client, watchers[1])
    assert street | {"unread": 0} == counts | {"unread": 0}
    assert "report_new" in notification_kinds(session, steps, watchers[1])
    assert inbox(client, watchers[2]) == NOTHING
    assert notification_kinds(session, steps, watchers[2]) == []


def test_counts_go_down_as_each_thing_is_dealt_with(
    client: TestClient,
    people: People,
    steps: Steps,
    runtime: Runtime,
    settings: Settings,
) -> None:
    report = new_report(client, people)
    to_verify = case_to_verify(client, people, steps)
    returned = returned_task(client, people, steps)
    overdue = overdue_task(client, people, steps, runtime, settings)
    rider = registration(client, "13900000012")
    assert inbox(client, people.coordinator)["overdue_tasks"] == 1

    steps.accept(report["id"])
    steps.approve(to_verify["id"])
    steps.dispatch(returned["report_id"], people.property_unit)
    steps.take(overdue["id"], people.property_unit)
    steps.complete(overdue["id"], people.property_unit)
    approved = client.post(
        f"/api/v1/riders/{rider['id']}/approve", headers=people.coordinator.headers
    )
    assert approved.status_code == 200, approved.text

    counts = inbox(client, people.coordinator)
    # The overdue task's case now waits for 核查 in its turn.
    assert counts | {"unread": 0} == NOTHING | {"verification": 1}


def test_nobody_is_told_of_their_own_report(
    client: TestClient, session: Session, people: People, steps: Steps
) -> None:
    street = people.street_coordinator  # made before the report, as it will hear of it
    recorded = post_report(client, people.coordinator.headers)
    assert recorded.status_code == 201, recorded.text
    assert notification_kinds(session, steps, people.coordinator) == []
    assert notification_kinds(session, steps, street) == ["report_new"]


def test_the_inbox_is_for_area_managers(client: TestClient, people: People) -> None:
    assert inbox(client, people.admin).keys() == NOTHING.keys()
    for person in (people.rider, people.unit):
        assert_problem(client.get("/api/v1/me/inbox", headers=person.headers), 403)
    assert_problem(client.get("/api/v1/me/inbox"), 401)
