"""Triage: accepting, rejecting with a reason the reporter sees, merging duplicates."""

import pytest
from sqlmodel import Session

from tests.cases.factories import Steps
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_a_rejection_needs_a_reason(
    session: Session, people: People, steps: Steps, body: dict[str, str]
) -> None:
    report = make_report(session, people.rider.id)
    response = steps.post(f"/reports/{report.id}/reject", people.coordinator, json=body)
    assert assert_problem(response, 422)["errors"][0]["field"] == "reason"
    assert steps.report(report.id)["status"] == "submitted"


def test_the_reporter_sees_the_rejection_reason_and_is_told(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    steps.reject(report.id, reason="  属于物业内部事务，请联系物业  ")

    seen = steps.report(report.id, viewer=people.rider)
    assert (seen["status"], seen["rejection_reason"]) == (
        "rejected",
        "属于物业内部事务，请联系物业",
    )
    [told] = steps.notifications(people.rider)
    assert (told["kind"], told["body"], told["report_id"]) == (
        "report_rejected",
        "属于物业内部事务，请联系物业",
        report.id,
    )


def test_accepting_records_the_note_and_tells_the_reporter_but_not_the_coordinator(
    session: Session, people: People, steps: Steps
) -> None:
    report = make_report(session, people.rider.id)
    body = {"note": "已安排核实"}
    response = steps.post(f"/reports/{report.id}/accept", people.coordinator, json=body)
    assert response.status_code == 200, response.text

    timeline = steps.get(f"/reports/{report.id}/events", people.rider).json()["items"]
    last = timeline[-1]
    assert (last["to_status"], last["note"], last["actor"]["role"]) == (
        "accepted",
        "已安排核实",
        "coordinator",
    )
    assert [n["kind"] for n in steps.notifications(people.rider)] == ["report_accepted"]
    assert steps.notifications(people.coordinator) == []


def test_accept_takes_no_body_at_all(session: Session, people: People, steps: Steps) -> None:
    report = make_report(session, people.rider.id)
    response = steps.post(f"/reports/{report.id}/accept", people.coordinator)
    assert (response.status_code, response.json()["status"]) == (200, "accepted")


def test_a_merged_reporter_follows_the_case_and_hears_its_outcome(
    session: Session, people: People, steps: Steps
) -> None:
    case = make_report(session, people.rider.id)
    duplicate = make_report(session, people.other_rider.id, description="同一堆垃圾")
    steps.accept(case.id)

    merged = steps.merge(duplicate.id, into=case.id)
    assert (merged["status"], merged["duplicate_of"]) == ("duplicate", case.id)
    assert steps.report(case.id, viewer=people.other_rider)["id"] == case.id

    steps.to_resolved(case.id, people.property_unit, accepted=True)
    steps.approve(case.id)

    kinds = [n["kind"] for n in reversed(steps.notifications(people.other_rider))]
    # Having reported at the very place, the merged reporter is also offered its 核查.
    assert "verification_offered" in kinds
    steps_of_the_case = [kind for kind in kinds if kind != "verification_offered"]
    assert steps_of_the_case == [
        "report_merged",
        "report_dispatched",
        "report_resolved",
        "report_closed",
    ]
    told = steps.notifications(people.other_rider)
    assert {n["report_id"] for n in told} == {duplicate.id, case.id}


def test_merging_a_case_moves_its_followers_to_the_case_it_joins(
    session: Session, people: People, steps: Steps
) -> None:
    first = make_report(session, people.rider.id)
    second = make_report(session, people.other_rider.id)
    keeper = make_report(session, people.rider.id, description="最早的那份")
    for report in (first, keeper):
        steps.accept(report.id)
    steps.merge(second.id, into=first.id)

    steps.merge(first.id, into=keeper.id)

    assert steps.report(second.id)["duplicate_of"] == keeper.id
    assert steps.report(keeper.id, viewer=people.other_rider)["id"] == keeper.id


@pytest.mark.parametrize(
    ("target", "status", "field"),
    [
        ("itself", 422, "into"),
        ("unknown", 422, "into"),
        ("other community", 422, "into"),
        ("submitted", 409, None),
        ("rejected", 409, None),
        ("closed", 409, None),
    ],
)
def test_a_report_merges_only_into_another_open_case_in_the_coordinators_areas(
    session: Session,
    people: People,
    steps: Steps,
    target: str,
    status: int,
    field: str | None,
) -> None:
    report = make_report(session, people.rider.id)
    other = make_report(session, people.other_rider.id)
    into = {"itself": report.id, "unknown": 999_999}.get(target, other.id)
    if target == "other community":
        into = make_report(session, people.other_rider.id, grid="341126101001001").id
    elif target == "rejected":
        steps.reject(other.id)
    elif target == "closed":
        steps.to_resolved(other.id, people.property_unit)
        steps.approve(other.id)

    response = steps.post(f"/reports/{report.id}/merge", people.coordinator, json={"into": into})

    problem = assert_problem(response, status)
    if field is not None:
        assert problem["errors"][0]["field"] == field
    assert steps.report(report.id)["status"] == "submitted"
