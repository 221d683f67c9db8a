"""The inbox: newest first, unread counts, marking read, and never the same happening twice."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.notifications.messages import task_overdue_message
from app.notifications.models import Notification
from app.notifications.service import notify
from tests.factories import assert_problem
from tests.fixtures.people import People, Person

INBOX = "/api/v1/me/notifications"


def _fill_inbox(session: Session, person: Person, count: int) -> list[int]:
    for number in range(count):
        message = task_overdue_message(number, "物业", escalated=False)
        notify(session, [person.id], message, dedupe_key=f"test:{number}")
    session.commit()
    ids = session.exec(select(Notification.id).where(Notification.account_id == person.id)).all()
    session.commit()
    return sorted(i for i in ids if i is not None)


def _get(client: TestClient, person: Person, **params: Any) -> dict[str, Any]:
    response = client.get(INBOX, headers=person.headers, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_inbox_lists_newest_first_with_the_unread_count_and_pages(
    client: TestClient, session: Session, people: People
) -> None:
    ids = _fill_inbox(session, people.rider, 5)
    _fill_inbox(session, people.other_rider, 2)

    first = _get(client, people.rider, limit=3)
    second = _get(client, people.rider, limit=3, cursor=first["next_cursor"])

    assert [n["id"] for n in first["items"]] == ids[::-1][:3]
    assert [n["id"] for n in second["items"]] == ids[::-1][3:]
    assert (first["unread"], second["next_cursor"]) == (5, None)
    assert first["items"][0]["title_zh"] == "任务超期：物业 #4"


def test_marking_some_then_all_read(client: TestClient, session: Session, people: People) -> None:
    ids = _fill_inbox(session, people.rider, 4)
    others = _fill_inbox(session, people.other_rider, 1)

    # Someone else's notification in the list is ignored, not marked.
    some = client.post(
        f"{INBOX}/read", headers=people.rider.headers, json={"ids": [ids[0], ids[1], *others]}
    )
    assert some.json() == {"marked": 2, "unread": 2}
    unread = _get(client, people.rider, unread="true")["items"]
    assert sorted(n["id"] for n in unread) == ids[2:]

    everything = client.post(f"{INBOX}/read", headers=people.rider.headers, json={})
    assert everything.json() == {"marked": 2, "unread": 0}
    assert all(n["read_at"] for n in _get(client, people.rider)["items"])
    assert _get(client, people.other_rider)["unread"] == 1


def test_the_same_happening_lands_once_in_each_inbox(session: Session, people: People) -> None:
    message = task_overdue_message(1, "物业", escalated=False)
    recipients = [people.coordinator.id, people.street_coordinator.id]

    first = notify(session, recipients, message, dedupe_key="task:1:task_overdue")
    again = notify(session, [*recipients, recipients[0]], message, dedupe_key="task:1:task_overdue")
    session.commit()

    assert (first, again) == (2, 0)
    count = session.exec(select(func.count()).select_from(Notification)).one()
    assert count == 2


def test_the_inbox_needs_a_login_and_a_real_cursor(client: TestClient, people: People) -> None:
    assert_problem(client.get(INBOX), 401)
    response = client.get(INBOX, headers=people.rider.headers, params={"cursor": "yesterday"})
    assert assert_problem(response, 422)["errors"][0]["field"] == "cursor"
