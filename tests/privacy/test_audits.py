"""The audit trails, read by admins only: every reveal of a photo region and every view of a
caller's whole phone, newest first, narrowed by viewer or report and paged."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.reports.models import Channel
from tests.factories import assert_problem
from tests.fixtures.people import People
from tests.reports.factories import post_report, redact_taken_photos
from tests.reports.test_photo_redaction import ASTRONAUT

REASONS = ("交警协查：核对车牌", "派出所协查：核对身份")
REVEALS = "/api/v1/privacy/photo-reveals"
PHONE_VIEWS = "/api/v1/privacy/caller-phone-views"


def _revealed_twice(client: TestClient, session: Session, people: People) -> dict[str, Any]:
    """A reported portrait whose face the coordinator revealed twice, once per reason."""
    sent = post_report(client, people.rider.headers, (ASTRONAUT,))
    assert sent.status_code == 201, sent.text
    redact_taken_photos(client)
    report = client.get(f"/api/v1/reports/{sent.json()['id']}", headers=people.rider.headers)
    [photo] = report.json()["photos"]
    session.close()
    for reason in REASONS:
        revealed = client.post(
            f"/api/v1/reports/{report.json()['id']}/photos/{photo['id']}/reveal",
            json={"region": 0, "reason": reason},
            headers=people.coordinator.headers,
        )
        assert revealed.status_code == 200, revealed.text
    return dict(report.json())


def test_an_admin_reads_every_reveal_newest_first_page_by_page(
    client: TestClient, session: Session, people: People
) -> None:
    report = _revealed_twice(client, session, people)

    first = client.get(REVEALS, params={"limit": 1}, headers=people.admin.headers)
    assert first.status_code == 200, first.text
    [newest] = first.json()["items"]
    assert (newest["report_id"], newest["region"], newest["reason"]) == (
        report["id"],
        0,
        REASONS[1],
    )
    assert newest["viewer"]["id"] == people.coordinator.id
    assert newest["viewer"]["role"] == "coordinator"
    cursor = first.json()["next_cursor"]
    second = client.get(
        REVEALS, params={"limit": 1, "cursor": cursor}, headers=people.admin.headers
    ).json()
    assert [item["reason"] for item in second["items"]] == [REASONS[0]]
    assert len(second["items"][0]["box"]) == 4
    # Narrowed to a viewer or a report that has none, nothing.
    for narrowed in ({"viewer_id": people.admin.id}, {"report_id": report["id"] + 1}):
        page = client.get(REVEALS, params=narrowed, headers=people.admin.headers).json()
        assert page == {"items": [], "next_cursor": None}
    mine = client.get(
        REVEALS, params={"viewer_id": people.coordinator.id}, headers=people.admin.headers
    ).json()
    assert [item["reason"] for item in mine["items"]] == [REASONS[1], REASONS[0]]


def test_an_admin_reads_every_view_of_a_callers_whole_phone(
    client: TestClient, people: People
) -> None:
    recorded = post_report(
        client,
        people.coordinator.headers,
        (),
        channel=Channel.PHONE,
        caller_name="王先生",
        caller_phone="13912341234",
    ).json()
    assert client.get(f"/api/v1/reports/{recorded['id']}", headers=people.admin.headers).is_success

    page = client.get(PHONE_VIEWS, headers=people.admin.headers).json()

    [view] = page["items"]
    assert (view["report_id"], view["viewer"]["id"]) == (recorded["id"], people.admin.id)
    assert page["next_cursor"] is None


def test_only_admins_read_the_audits(client: TestClient, people: People) -> None:
    for path in (REVEALS, PHONE_VIEWS):
        for person in (people.coordinator, people.rider, people.unit):
            assert_problem(client.get(path, headers=person.headers), 403)
        assert_problem(client.get(path), 401)
        assert_problem(client.get(path, params={"cursor": "x"}, headers=people.admin.headers), 422)
