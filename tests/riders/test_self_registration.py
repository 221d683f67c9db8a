"""报到备案: rider self-registration from the public form."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.riders.models import Team
from app.riders.privacy_notice import CURRENT_NOTICE
from tests.factories import COMMUNITY, OTHER_COMMUNITY, assert_problem, login, seed_grids


def _form(**changes: Any) -> dict[str, Any]:
    form = {
        "phone": "13912345678",
        "name": "李师傅",
        "password": "rider-password-1",
        "platform": "eleme",
        "party_member": True,
        "community_code": COMMUNITY,
        "privacy_consent_version": CURRENT_NOTICE.version,
    }
    form.update(changes)
    return form


@pytest.fixture
def grids(session: Session) -> None:
    seed_grids(session)


@pytest.mark.usefixtures("grids")
def test_registration_creates_a_pending_rider_who_can_log_in(client: TestClient) -> None:
    response = client.post("/api/v1/riders", json=_form())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "pending"
    assert body["phone"] == "13912345678"
    me = client.get("/api/v1/me", headers=login(client, "13912345678", "rider-password-1"))
    assert me.json()["role"] == "rider"
    assert me.json()["status"] == "pending"


@pytest.mark.usefixtures("grids")
@pytest.mark.parametrize(
    "phone", ["12912345678", "1391234567", "139123456789", "+8613912345678", "1391234567a"]
)
def test_only_mainland_mobile_numbers_are_accepted(client: TestClient, phone: str) -> None:
    body = assert_problem(client.post("/api/v1/riders", json=_form(phone=phone)), 422)
    assert body["errors"][0]["field"] == "phone"


@pytest.mark.usefixtures("grids")
def test_unknown_platform_is_422(client: TestClient) -> None:
    body = assert_problem(client.post("/api/v1/riders", json=_form(platform="uber")), 422)
    assert body["errors"][0]["field"] == "platform"


@pytest.mark.usefixtures("grids")
@pytest.mark.parametrize("code", ["341126100", "341126100001001", "999"])
def test_community_must_be_a_community(client: TestClient, code: str) -> None:
    body = assert_problem(client.post("/api/v1/riders", json=_form(community_code=code)), 422)
    assert body["errors"][0]["field"] == "community_code"


@pytest.mark.usefixtures("grids")
def test_team_must_belong_to_the_chosen_community(client: TestClient, session: Session) -> None:
    elsewhere = Team(name="淮河队", community_code=OTHER_COMMUNITY)
    here = Team(name="东华队", community_code=COMMUNITY)
    session.add_all([elsewhere, here])
    session.commit()
    wrong = client.post("/api/v1/riders", json=_form(team_id=elsewhere.id))
    assert assert_problem(wrong, 422)["errors"][0]["field"] == "team_id"
    right = client.post("/api/v1/riders", json=_form(team_id=here.id))
    assert right.status_code == 201
    assert right.json()["team_id"] == here.id


@pytest.mark.usefixtures("grids")
def test_public_team_list_filters_by_community(client: TestClient, session: Session) -> None:
    session.add_all(
        [
            Team(name="甲队", community_code=COMMUNITY),
            Team(name="乙队", community_code=OTHER_COMMUNITY),
        ]
    )
    session.commit()
    items = client.get("/api/v1/teams", params={"community_code": COMMUNITY}).json()["items"]
    assert [(t["name"], t["community_code"]) for t in items] == [("甲队", COMMUNITY)]
    assert set(items[0]) >= {"id", "name", "community_code"}
