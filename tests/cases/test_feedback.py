"""Feedback: the reporter rates a closed case once, or says within 7 days it is not fixed."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from app.core import clock
from tests.cases.factories import Steps
from tests.factories import assert_problem
from tests.fixtures.people import People, Person
from tests.fixtures.reports import make_report

REOPEN_WINDOW = timedelta(days=7)


def _closed_case(session: Session, people: People, steps: Steps) -> int:
    report = make_report(session, people.rider.id)
    steps.to_resolved(report.id, people.property_unit)
    steps.approve(report.id)
    assert report.id is not None
    return report.id


def _rate(steps: Steps, report_id: int, person: Person, **body: Any) -> Any:
    return steps.post(f"/reports/{report_id}/rating", person, json=body)


def test_the_reporter_rates_a_closed_case_once(
    session: Session, people: People, steps: Steps
) -> None:
    report_id = _closed_case(session, people, steps)

    first = _rate(steps, report_id, people.rider, stars=4, comment=" 处理及时 ")
    second = _rate(steps, report_id, people.rider, stars=5)

    assert first.status_code == 201, first.text
    assert {k: first.json()[k] for k in ("report_id", "stars", "comment")} == {
        "report_id": report_id,
        "stars": 4,
        "comment": "处理及时",
    }
    assert_problem(second, 409)


@pytest.mark.parametrize("stars", [0, 6, "five", None])
def test_stars_are_one_to_five(
    session: Session, people: People, steps: Steps, stars: object
) -> None:
    report_id = _closed_case(session, people, steps)
    response = _rate(steps, report_id, people.rider, stars=stars)
    assert assert_problem(response, 422)["errors"][0]["field"] == "stars"


def test_only_a_closed_case_can_be_rated(session: Session, people: People, steps: Steps) -> None:
    report = make_report(session, people.rider.id)
    steps.to_resolved(report.id, people.property_unit)
    assert_problem(_rate(steps, report.id, people.rider, stars=3), 409)


def test_the_reporter_of_a_merged_duplicate_rates_the_case_it_joined(
    session: Session, people: People, steps: Steps
) -> None:
    case = make_report(session, people.rider.id)
    duplicate = make_report(session, people.other_rider.id)
    steps.accept(case.id)
    steps.merge(duplicate.id, into=case.id)
    steps.to_resolved(case.id, people.property_unit, accepted=True)
    steps.approve(case.id)

    on_duplicate = _rate(steps, duplicate.id, people.other_rider, stars=5)
    on_case = _rate(steps, case.id, people.other_rider, stars=5)

    assert "merged into case" in assert_problem(on_duplicate, 409)["detail"]
    assert on_case.status_code == 201, on_case.text


def test_reopening_within_seven_days_puts_the_case_back_to_the_coordinator(
    monkeypatch: pytest.MonkeyPatch, session: Session, people: People, steps: Steps
) -> None:
    report_id = _closed_case(session, people, steps)
    closed_at = datetime.fromisoformat(steps.report(report_id)["updated_at"])
    coordinator = people.coordinator  # exists before the reopening, to be told of it
    monkeypatch.setattr(clock, "utcnow", lambda: closed_at + REOPEN_WINDOW - timedelta(minutes=1))

    reopened = steps.reopen(report_id, people.rider, reason="垃圾又堆起来了")

    assert reopened["status"] == "accepted"
    told = steps.notifications(coordinator)[0]  # the newest, after the case's earlier news
    assert (told["kind"], told["body"]) == ("report_reopened", "垃圾又堆起来了")
    timeline = steps.get(f"/reports/{report_id}/events", people.rider).json()["items"]
    assert (timeline[-1]["from_status"], timeline[-1]["note"]) == ("closed", "垃圾又堆起来了")
    # Back in the coordinator's hands: dispatched again like any accepted case.
    assert steps.dispatch(report_id, people.law_unit)["report"]["status"] == "dispatched"


def test_reopening_after_seven_days_is_refused(
    monkeypatch: pytest.MonkeyPatch, session: Session, people: People, steps: Steps
) -> None:
    report_id = _closed_case(session, people, steps)
    closed_at = datetime.fromisoformat(steps.report(report_id)["updated_at"])
    monkeypatch.setattr(clock, "utcnow", lambda: closed_at + REOPEN_WINDOW + timedelta(minutes=1))

    response = steps.post(f"/reports/{report_id}/reopen", people.rider, json={"reason": "没修"})

    assert "7 days" in assert_problem(response, 409)["detail"]
    assert steps.report(report_id)["status"] == "closed"


def test_reopening_needs_a_reason(session: Session, people: People, steps: Steps) -> None:
    report_id = _closed_case(session, people, steps)
    response = steps.post(f"/reports/{report_id}/reopen", people.rider, json={"reason": ""})
    assert assert_problem(response, 422)["errors"][0]["field"] == "reason"
