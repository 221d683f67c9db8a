"""DELETE /me: a rider ends their account. Their name and phone go, their reports stay for the
city unlinked from them, the ledger stays balanced, pending redemptions are cancelled with the
stock returned, and it cannot be done twice, not even by two calls at once."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus
from app.notifications.models import Notification
from app.points.models import PointsEntry
from app.privacy.erasure import ERASED_NAME
from app.reports.models import Report
from app.rewards.models import Redemption, RedemptionStatus, Reward
from app.riders.models import RiderProfile, Team
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.factories import COMMUNITY, PASSWORD, assert_problem
from tests.fixtures.people import People, unit_code_of
from tests.points.factories import give_points, run_together
from tests.privacy.factories import RIDER_NAME, RIDER_PHONE, busy_rider
from tests.rewards.factories import make_reward
from tests.riders.factories import make_rider, make_team, token_headers


def _end(client: TestClient, headers: dict[str, str], password: str = PASSWORD) -> Any:
    return client.request("DELETE", "/api/v1/me", json={"password": password}, headers=headers)


def _fresh(session: Session) -> Session:
    session.expire_all()
    return session


def test_ending_the_account_erases_the_person_and_keeps_the_citys_record(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)
    stock_before = session.get_one(Reward, rider.reward_id).stock
    session.commit()  # ends the read: a writer session holds SQLite's write lock

    answer = _end(client, rider.headers)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["message_zh"].startswith("账号已注销")
    assert body["cancelled_redemptions"] == 1
    assert any("上报的问题" in kept["what_zh"] for kept in body["kept"])
    session = _fresh(session)
    account = session.get_one(Account, rider.id)
    assert account.status is AccountStatus.DELETED
    assert (account.display_name, RIDER_PHONE in account.username) == (ERASED_NAME, False)
    assert session.get(RiderProfile, rider.id) is None
    assert session.exec(select(Notification).where(Notification.account_id == rider.id)).all() == []
    report = session.get_one(Report, rider.report_id)
    assert report.reporter_id == rider.id  # the tombstone: no name, phone or password
    pending = session.get_one(Redemption, rider.pending_redemption_id)
    issued = session.get_one(Redemption, rider.issued_redemption_id)
    assert (pending.status, issued.status) == (RedemptionStatus.CANCELLED, RedemptionStatus.ISSUED)
    assert session.get_one(Reward, rider.reward_id).stock == stock_before + 1
    refunds = session.exec(
        select(PointsEntry.amount).where(
            PointsEntry.rider_id == rider.id, PointsEntry.source_id == str(pending.id)
        )
    ).all()
    assert sorted(refunds) == [-100, 100]  # the ledger is kept; the balance still adds up


def test_after_ending_nothing_logs_in_and_a_second_call_is_401(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)
    assert _end(client, rider.headers).status_code == 200

    assert_problem(_end(client, rider.headers), 401)
    assert_problem(client.get("/api/v1/me", headers=rider.headers), 401)
    other_token = token_headers(client.app.state.runtime.settings, rider.id)  # type: ignore[attr-defined]
    assert_problem(client.get("/api/v1/me/export", headers=other_token), 401)
    login = client.post("/api/v1/auth/token", data={"username": RIDER_PHONE, "password": PASSWORD})
    assert_problem(login, 401)


def test_the_coordinator_still_sees_the_report_with_the_rider_named_as_ended(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)
    assert _end(client, rider.headers).status_code == 200

    report = client.get(f"/api/v1/reports/{rider.report_id}", headers=people.coordinator.headers)
    events = client.get(
        f"/api/v1/reports/{rider.report_id}/events", headers=people.coordinator.headers
    ).json()["items"]

    assert report.status_code == 200
    assert report.json()["description"] == "路口垃圾堆了三天"
    assert events[0]["actor"]["name"] == ERASED_NAME
    listed = client.get("/api/v1/riders", headers=people.coordinator.headers).json()["items"]
    assert RIDER_NAME not in [item["name"] for item in listed]


def test_the_case_goes_on_and_tells_nobody_once_its_reporter_has_left(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)
    session.commit()
    assert _end(client, rider.headers).status_code == 200

    dispatched = client.post(
        f"/api/v1/reports/{rider.report_id}/tasks",
        json={"unit_code": unit_code_of(people.property_unit), "note": "请尽快处置"},
        headers=people.coordinator.headers,
    )

    assert dispatched.status_code == 201, dispatched.text
    session = _fresh(session)
    assert session.exec(select(Notification).where(Notification.account_id == rider.id)).all() == []


def test_a_wrong_password_changes_nothing(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)

    assert_problem(_end(client, rider.headers, password="not-my-password"), 403)

    session = _fresh(session)
    assert session.get_one(Account, rider.id).status is AccountStatus.ACTIVE
    assert session.get_one(RiderProfile, rider.id).phone == RIDER_PHONE
    assert client.get("/api/v1/me", headers=rider.headers).status_code == 200


def test_only_riders_may_end_their_account_here(client: TestClient, people: People) -> None:
    assert_problem(_end(client, people.coordinator.headers), 403)
    assert_problem(_end(client, {}), 401)
    refused = client.request("DELETE", "/api/v1/me", json={}, headers=people.rider.headers)
    assert_problem(refused, 422)


def test_the_number_may_register_again_as_a_new_rider(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)
    assert _end(client, rider.headers).status_code == 200

    again = client.post(
        "/api/v1/riders",
        json={
            "phone": RIDER_PHONE,
            "name": RIDER_NAME,
            "password": "a-new-password-1",
            "platform": "meituan",
            "community_code": COMMUNITY,
            "privacy_consent_version": CURRENT_NOTICE.version,
        },
    )

    assert again.status_code == 201, again.text
    assert again.json()["id"] != rider.id
    export = client.get(
        "/api/v1/me/export",
        headers=token_headers(client.app.state.runtime.settings, again.json()["id"]),  # type: ignore[attr-defined]
    ).json()
    assert export["reports"] == []  # the new account inherits nothing of the old


def test_a_team_led_by_the_rider_loses_its_leader(
    client: TestClient, session: Session, people: People
) -> None:
    team = make_team(session)
    profile = make_rider(session, RIDER_PHONE, team=team)
    team.leader_account_id = profile.account_id
    session.add(team)
    session.commit()
    headers = token_headers(client.app.state.runtime.settings, profile.account_id)  # type: ignore[attr-defined]

    assert _end(client, headers).status_code == 200

    assert _fresh(session).get_one(Team, team.id).leader_account_id is None


def test_two_calls_at_once_end_the_account_once(
    client: TestClient, session: Session, people: People
) -> None:
    rider = busy_rider(client, session, people)

    statuses = sorted(
        r.status_code for r in run_together([lambda: _end(client, rider.headers)] * 2)
    )

    assert statuses == [200, 401]
    session = _fresh(session)
    cancelled = session.exec(
        select(Redemption).where(
            Redemption.rider_id == rider.id, Redemption.status == RedemptionStatus.CANCELLED
        )
    ).all()
    assert len(cancelled) == 1  # refunded and restocked once


def test_a_redemption_racing_the_ending_leaves_nothing_pending(
    client: TestClient, session: Session, people: People
) -> None:
    rider_id = make_rider(session, RIDER_PHONE).account_id
    give_points(session, rider_id, 500)
    reward = make_reward(session, cost=100, stock=3)
    headers = token_headers(client.app.state.runtime.settings, rider_id)  # type: ignore[attr-defined]

    def redeem() -> Any:
        return client.post("/api/v1/redemptions", json={"reward_id": reward.id}, headers=headers)

    ended, redeemed = run_together([lambda: _end(client, headers), redeem])

    assert ended.status_code == 200, ended.text
    assert redeemed.status_code in (201, 401, 403, 409), redeemed.text
    session = _fresh(session)
    left = session.exec(select(Redemption.status).where(col(Redemption.rider_id) == rider_id)).all()
    assert RedemptionStatus.PENDING not in left
    assert session.get_one(Reward, reward.id).stock == 3  # whatever was taken came back
