"""Who may see and act on a case: outsiders get 404 and never see it; insiders without the
right to a step get 403."""

from collections.abc import Callable

import httpx
import pytest
from sqlmodel import Session

from tests.cases.factories import Steps, after_photo
from tests.factories import assert_problem
from tests.fixtures.people import People, Person, unit_code_of
from tests.fixtures.reports import make_report

Call = Callable[[Steps, Person, int, int], httpx.Response]

# Every endpoint that names the case or its task, called as `person`.
CASE_ENDPOINTS: dict[str, Call] = {
    "get report": lambda s, p, r, t: s.get(f"/reports/{r}", p),
    "get timeline": lambda s, p, r, t: s.get(f"/reports/{r}/events", p),
    "accept": lambda s, p, r, t: s.post(f"/reports/{r}/accept", p, json={}),
    "reject": lambda s, p, r, t: s.post(f"/reports/{r}/reject", p, json={"reason": "无"}),
    "merge": lambda s, p, r, t: s.post(f"/reports/{r}/merge", p, json={"into": r}),
    "dispatch": lambda s, p, r, t: s.post(
        f"/reports/{r}/tasks", p, json={"unit_code": unit_code_of(s.people.law_unit)}
    ),
    "verify": lambda s, p, r, t: s.post(f"/reports/{r}/verify", p, json={"approved": True}),
    "rate": lambda s, p, r, t: s.post(f"/reports/{r}/rating", p, json={"stars": 1}),
    "reopen": lambda s, p, r, t: s.post(f"/reports/{r}/reopen", p, json={"reason": "没修好"}),
    "get task": lambda s, p, r, t: s.get(f"/tasks/{t}", p),
    "take task": lambda s, p, r, t: s.post(f"/tasks/{t}/accept", p),
    "return task": lambda s, p, r, t: s.post(f"/tasks/{t}/return", p, json={"reason": "无"}),
    "complete task": lambda s, p, r, t: s.post(
        f"/tasks/{t}/complete", p, data={"note": "好了"}, files=[after_photo()]
    ),
}
OUTSIDERS = ["other_coordinator", "other_unit", "law_unit", "other_rider"]


def _case_in_progress(session: Session, people: People, steps: Steps) -> tuple[int, int]:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    task_id = steps.dispatch(report.id, people.property_unit)["id"]
    steps.take(task_id, people.property_unit)
    assert report.id is not None
    return report.id, task_id


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_gets_404_on_everything_of_the_case_and_never_sees_it(
    session: Session, people: People, steps: Steps, outsider: str
) -> None:
    report_id, task_id = _case_in_progress(session, people, steps)
    person: Person = getattr(people, outsider)
    before = steps.get(f"/reports/{report_id}/events", people.coordinator).json()

    for name, call in CASE_ENDPOINTS.items():
        response = call(steps, person, report_id, task_id)
        assert response.status_code == 404, f"{name}: {response.status_code} {response.text}"

    reports = steps.get("/reports", person).json()["items"]
    assert report_id not in [item["id"] for item in reports]
    tasks = steps.get("/tasks", person)
    if tasks.status_code == 200:
        assert [t for t in tasks.json()["items"] if t["report_id"] == report_id] == []
    else:
        assert_problem(tasks, 403)  # riders have no task list at all
    inbox = steps.get("/me/notifications", person).json()["items"]
    assert [n for n in inbox if n["report_id"] == report_id] == []
    assert steps.get(f"/reports/{report_id}/events", people.coordinator).json() == before


# People who may see the case, and the steps they may not take with the answer they get.
FORBIDDEN_STEPS: dict[str, list[tuple[str, int]]] = {
    "rider": [
        ("accept", 403),
        ("dispatch", 403),
        ("verify", 403),
        ("get task", 404),  # the reporter follows the case, not the units' tasks
        ("take task", 404),
    ],
    "property_unit": [
        ("accept", 403),
        ("reject", 403),
        ("merge", 403),
        ("dispatch", 403),
        ("verify", 403),
        ("rate", 403),
        ("reopen", 403),
    ],
    "coordinator": [
        ("take task", 403),
        ("return task", 403),
        ("complete task", 403),
        ("rate", 403),
        ("reopen", 403),
    ],
    "street_coordinator": [("take task", 403), ("complete task", 403)],
    "admin": [("accept", 403), ("verify", 403), ("take task", 403)],
}


@pytest.mark.parametrize("who", FORBIDDEN_STEPS)
def test_an_insider_without_the_right_to_a_step_is_refused_and_nothing_changes(
    session: Session, people: People, steps: Steps, who: str
) -> None:
    report_id, task_id = _case_in_progress(session, people, steps)
    person: Person = getattr(people, who)
    before = steps.get(f"/reports/{report_id}/events", people.coordinator).json()

    for step, status in FORBIDDEN_STEPS[who]:
        response = CASE_ENDPOINTS[step](steps, person, report_id, task_id)
        assert response.status_code == status, f"{step}: {response.text}"
        assert_problem(response, status)

    assert steps.get(f"/reports/{report_id}/events", people.coordinator).json() == before


def test_a_grid_coordinator_sees_and_triages_only_the_reports_of_their_grid(
    session: Session, people: People, steps: Steps
) -> None:
    in_grid = make_report(session, people.rider.id)
    elsewhere = make_report(session, people.rider.id, grid="341126100001002")
    coordinator = people.grid_coordinator

    assert steps.accept(in_grid.id, by=coordinator)["status"] == "accepted"
    assert_problem(steps.post(f"/reports/{elsewhere.id}/accept", coordinator, json={}), 404)
    # The community's coordinator covers both grids.
    assert steps.accept(elsewhere.id)["status"] == "accepted"


def test_a_unit_lists_only_its_own_tasks_and_a_coordinator_those_of_their_areas(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    steps.accept(report.id)
    mine = steps.dispatch(report.id, people.property_unit)["id"]
    theirs = steps.dispatch(report.id, people.law_unit)["id"]

    def listed(person: Person) -> list[int]:
        return [t["id"] for t in steps.get("/tasks", person).json()["items"]]

    assert listed(people.property_unit) == [mine]
    assert listed(people.law_unit) == [theirs]
    assert listed(people.coordinator) == [theirs, mine]
    assert listed(people.street_coordinator) == [theirs, mine]
    assert listed(people.other_coordinator) == []
