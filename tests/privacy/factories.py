"""A rider with something of everything: a report with a photo and a timeline, points, a
pending and an issued redemption, a notification."""

from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.notifications.messages import task_overdue_message
from app.notifications.service import notify
from app.rewards.models import Redemption, RedemptionStatus
from tests.factories import login
from tests.fixtures.people import People
from tests.points.factories import give_points
from tests.reports.factories import post_report
from tests.rewards.factories import make_reward
from tests.riders.factories import make_rider

RIDER_PHONE = "13912340001"
RIDER_NAME = "赵师傅"


@dataclass(frozen=True)
class BusyRider:
    id: int
    headers: dict[str, str]
    report_id: int
    pending_redemption_id: int
    issued_redemption_id: int
    reward_id: int


def busy_rider(client: TestClient, session: Session, people: People) -> BusyRider:
    """A rider who reported, earned, redeemed (one item handed over, one waiting), was told."""
    profile = make_rider(session, RIDER_PHONE, name=RIDER_NAME)
    rider_id = profile.account_id
    headers = login(client, RIDER_PHONE)
    report = post_report(client, headers, description="路口垃圾堆了三天")
    assert report.status_code == 201, report.text
    report_id = report.json()["id"]
    accepted = client.post(
        f"/api/v1/reports/{report_id}/accept", json={}, headers=people.coordinator.headers
    )
    assert accepted.status_code == 200, accepted.text
    give_points(session, rider_id, 300)
    reward = make_reward(session, cost=100, stock=5)
    assert reward.id is not None
    ids = []
    for _ in range(2):
        made = client.post("/api/v1/redemptions", json={"reward_id": reward.id}, headers=headers)
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    issued = session.get_one(Redemption, ids[0])
    issued.status = RedemptionStatus.ISSUED
    session.add(issued)
    notify(session, [rider_id], task_overdue_message(1, "物业", escalated=False), dedupe_key="t")
    session.commit()
    return BusyRider(rider_id, headers, report_id, ids[1], ids[0], reward.id)
