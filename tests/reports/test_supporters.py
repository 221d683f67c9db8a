"""我也遇到 ("me too"): a rider joins an open report instead of sending it again, is counted
once, and follows the case as its reporter does."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.reports.models import Report
from app.reports.states import ReportStatus
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import make_report
from tests.points.factories import run_together


def join(client: TestClient, report_id: int, headers: dict[str, str]) -> object:
    return client.post(f"/api/v1/reports/{report_id}/supporters", headers=headers)


def test_joining_counts_once_and_the_report_shows_its_supporters(
    client: TestClient, session: Session, people: People
) -> None:
    report = make_report(session, people.rider.id)
    supporter = people.other_rider.headers

    first = join(client, report.id or 0, supporter)
    again = join(client, report.id or 0, supporter)

    assert (first.status_code, first.json()) == (201, {"supporters": 1})  # type: ignore[attr-defined]
    assert (again.status_code, again.json()) == (200, {"supporters": 1})  # type: ignore[attr-defined]
    shown = client.get(f"/api/v1/reports/{report.id}", headers=people.coordinator.headers)
    assert shown.json()["supporters"] == 1
    listed = client.get("/api/v1/reports", headers=people.coordinator.headers).json()
    assert [item["supporters"] for item in listed["items"] if item["id"] == report.id] == [1]


def test_a_supporter_reads_the_case_and_a_stranger_does_not(
    client: TestClient, session: Session, people: People
) -> None:
    report = make_report(session, people.rider.id)
    path = f"/api/v1/reports/{report.id}"
    assert client.get(path, headers=people.other_rider.headers).status_code == 404

    join(client, report.id or 0, people.other_rider.headers)

    assert client.get(path, headers=people.other_rider.headers).status_code == 200
    assert client.get(f"{path}/events", headers=people.other_rider.headers).status_code == 200
    assert client.get(path, headers=people.bystander.headers).status_code == 404


def test_two_taps_at_once_count_once(client: TestClient, session: Session, people: People) -> None:
    report = make_report(session, people.rider.id)
    session.close()  # the writer lock is the requests' to take

    answers = run_together([lambda: join(client, report.id or 0, people.other_rider.headers)] * 2)

    assert sorted(a.status_code for a in answers) == [200, 201]  # type: ignore[attr-defined]
    assert {a.json()["supporters"] for a in answers} == {1}  # type: ignore[attr-defined]


def test_the_supporter_hears_of_the_case_as_its_reporter_does(
    client: TestClient, session: Session, people: People
) -> None:
    report = make_report(session, people.rider.id)
    join(client, report.id or 0, people.other_rider.headers)

    accepted = client.post(
        f"/api/v1/reports/{report.id}/accept", headers=people.coordinator.headers, json={}
    )

    assert accepted.status_code == 200, accepted.text
    for person in (people.rider, people.other_rider):
        inbox = client.get("/api/v1/me/notifications", headers=person.headers).json()
        assert [n["report_id"] for n in inbox["items"]] == [report.id], person.username


def test_who_may_not_join_and_what_cannot_be_joined(
    client: TestClient, session: Session, people: People
) -> None:
    open_report = make_report(session, people.rider.id)
    closed = make_report(session, people.rider.id, status=ReportStatus.CLOSED)
    merged = make_report(
        session, people.rider.id, status=ReportStatus.DUPLICATE, duplicate_of_id=open_report.id
    )
    other = people.other_rider.headers

    assert_problem(join(client, open_report.id or 0, people.rider.headers), 403)  # its reporter
    assert_problem(join(client, open_report.id or 0, people.coordinator.headers), 403)
    assert_problem(join(client, open_report.id or 0, people.pending_rider.headers), 403)
    assert_problem(join(client, closed.id or 0, other), 409)
    problem = assert_problem(join(client, merged.id or 0, other), 409)
    assert f"#{open_report.id}" in problem["detail"]
    assert_problem(join(client, 999_999, other), 404)
    assert join(client, open_report.id or 0, {}).status_code == 401  # type: ignore[attr-defined]
    assert _supporters(client, open_report, people) == 0


def _supporters(client: TestClient, report: Report, people: People) -> int:
    shown = client.get(f"/api/v1/reports/{report.id}", headers=people.admin.headers)
    return int(shown.json()["supporters"])
