"""Handling units kept from the console: their contact, their staff's logins, their workload."""

from datetime import timedelta

from sqlmodel import Session

from app.cases.models import Task
from app.core.clock import utcnow
from tests.cases.factories import Steps
from tests.factories import COMMUNITY, assert_problem
from tests.fixtures.people import People, Person
from tests.fixtures.reports import make_report

JSON = dict[str, object]


def _unit_id(steps: Steps, unit: Person, viewer: Person) -> int:
    code = unit.username.removeprefix("unit-")
    [unit_id] = [u["id"] for u in steps.get("/units", viewer).json()["items"] if u["code"] == code]
    assert isinstance(unit_id, int)
    return unit_id


def test_a_coordinator_sets_a_units_contact_and_name(steps: Steps, people: People) -> None:
    unit_id = _unit_id(steps, people.property_unit, people.coordinator)
    changes = {
        "name": "东华物业服务中心",
        "contact_name": "王经理",
        "contact_phone": "0550-6012345",
    }
    answer = steps.client.patch(
        f"/api/v1/units/{unit_id}", headers=people.coordinator.headers, json=changes
    )
    assert answer.status_code == 200, answer.text
    listed = {u["id"]: u for u in steps.get("/units", people.coordinator).json()["items"]}
    assert {k: listed[unit_id][k] for k in changes} == changes
    assert listed[unit_id]["code"] == "wy-donghua"  # the code stays

    cleared = steps.client.patch(
        f"/api/v1/units/{unit_id}", headers=people.coordinator.headers, json={"contact_name": None}
    )
    assert cleared.json()["contact_name"] is None
    assert cleared.json()["contact_phone"] == "0550-6012345"  # left out: unchanged


def test_unit_changes_are_checked_and_scoped(steps: Steps, people: People) -> None:
    unit_id = _unit_id(steps, people.property_unit, people.coordinator)
    url = f"/api/v1/units/{unit_id}"
    bad_phone = steps.client.patch(
        url, headers=people.coordinator.headers, json={"contact_phone": "call me"}
    )
    assert assert_problem(bad_phone, 422)["errors"][0]["field"] == "contact_phone"
    no_name = steps.client.patch(url, headers=people.coordinator.headers, json={"name": None})
    assert assert_problem(no_name, 422)["errors"][0]["field"] == "name"
    # The other town's coordinator may not know the unit exists; a grid coordinator lists it
    # (its community's units handle the grid's cases) but does not administer it.
    elsewhere = steps.client.patch(url, headers=people.other_coordinator.headers, json={})
    assert_problem(elsewhere, 404)
    below = steps.client.patch(url, headers=people.grid_coordinator.headers, json={"name": "x"})
    assert_problem(below, 403)
    by_unit = steps.client.patch(url, headers=people.property_unit.headers, json={"name": "x"})
    assert_problem(by_unit, 403)
    assert steps.get("/units", people.coordinator).json()["items"][0]["name"] != "x"


def test_a_coordinator_gives_unit_staff_a_login_and_takes_it_away(
    steps: Steps, people: People
) -> None:
    unit_id = _unit_id(steps, people.property_unit, people.coordinator)
    url = f"/api/v1/units/{unit_id}/accounts"
    body = {"username": "wy-zhang", "password": "a long password", "display_name": "张师傅"}
    created = steps.client.post(url, headers=people.coordinator.headers, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "active"
    again = steps.client.post(url, headers=people.coordinator.headers, json=body)
    assert_problem(again, 409)
    staff = steps.client.get(url, headers=people.coordinator.headers).json()["items"]
    assert [a["username"] for a in staff] == ["unit-wy-donghua", "wy-zhang"]
    assert "password_hash" not in staff[1]

    login = steps.client.post(
        "/api/v1/auth/token", data={"username": "wy-zhang", "password": "a long password"}
    )
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert steps.client.get("/api/v1/tasks", headers=token).status_code == 200

    account_id = created.json()["id"]
    disabled = steps.client.patch(
        f"{url}/{account_id}", headers=people.coordinator.headers, json={"status": "disabled"}
    )
    assert disabled.json()["status"] == "disabled"
    assert_problem(steps.client.get("/api/v1/tasks", headers=token), 401)


def test_unit_staff_logins_are_kept_only_by_the_units_coordinators(
    steps: Steps, people: People
) -> None:
    unit_id = _unit_id(steps, people.property_unit, people.coordinator)
    url = f"/api/v1/units/{unit_id}/accounts"
    body = {"username": "intruder", "password": "a long password"}
    assert_problem(steps.client.post(url, headers=people.other_coordinator.headers, json=body), 404)
    assert_problem(steps.client.get(url, headers=people.other_coordinator.headers), 404)
    assert_problem(steps.client.post(url, headers=people.grid_coordinator.headers, json=body), 403)
    assert_problem(steps.client.post(url, headers=people.property_unit.headers, json=body), 403)
    assert_problem(steps.client.post(url, headers=people.rider.headers, json=body), 403)
    weak = steps.client.post(
        url, headers=people.coordinator.headers, json={"username": "ok-name", "password": "short"}
    )
    assert assert_problem(weak, 422)["errors"][0]["field"] == "password"
    # Another unit's account cannot be switched off through this unit.
    other_unit_account = people.law_unit.id
    wrong = steps.client.patch(
        f"{url}/{other_unit_account}",
        headers=people.coordinator.headers,
        json={"status": "disabled"},
    )
    assert_problem(wrong, 404)
    pending = steps.client.patch(
        f"{url}/{people.property_unit.id}",
        headers=people.coordinator.headers,
        json={"status": "pending"},
    )
    assert_problem(pending, 422)


def test_workload_counts_each_units_open_in_progress_and_overdue_tasks(
    session: Session, steps: Steps, people: People
) -> None:
    unit, law = people.property_unit, people.law_unit
    tasks = []
    for _ in range(3):
        report = make_report(session, people.rider.id)
        assert report.id is not None
        steps.accept(report.id)
        tasks.append(steps.dispatch(report.id, unit)["id"])
    steps.take(tasks[0], unit)
    late = session.get(Task, tasks[1])
    assert late is not None
    late.due_at = utcnow() - timedelta(minutes=1)
    session.add(late)
    session.commit()
    finished = make_report(session, people.rider.id)
    assert finished.id is not None
    steps.to_resolved(finished.id, unit)

    loads = {
        w["unit_id"]: w for w in steps.get("/units/workload", people.coordinator).json()["items"]
    }
    unit_id = _unit_id(steps, unit, people.coordinator)
    assert loads[unit_id] == {"unit_id": unit_id, "open": 2, "in_progress": 1, "overdue": 1}
    law_id = _unit_id(steps, law, people.coordinator)
    assert loads[law_id] == {"unit_id": law_id, "open": 0, "in_progress": 0, "overdue": 0}
    theirs = steps.get("/units/workload", people.other_coordinator).json()["items"]
    assert unit_id not in {w["unit_id"] for w in theirs}
    assert_problem(steps.get("/units/workload", people.property_unit), 403)


def test_a_new_units_code_and_phone_are_checked(steps: Steps, people: People) -> None:
    unit = {"name": "淮河物业", "type": "property", "community_code": COMMUNITY}
    for field, bad in (("code", "wy huaihe!"), ("contact_phone", "ring the bell")):
        body = {"code": "wy-huaihe-2", **unit, field: bad}
        refused = steps.post("/units", people.coordinator, json=body)
        assert assert_problem(refused, 422)["errors"][0]["field"] == field
    created = steps.post(
        "/units",
        people.coordinator,
        json={"code": "wy-huaihe-2", **unit, "contact_phone": "13900000009"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["contact_phone"] == "13900000009"
