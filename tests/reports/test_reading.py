"""Reading reports: one, a page of them, the timeline, and the "same problem nearby?" check."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.clock import utcnow
from app.grids.crs import CoordinateSystem, from_wgs84
from app.grids.service import grid_by_code
from app.photos.keys import content_key
from app.reports.models import Channel, Report
from app.reports.states import ReportStatus
from app.reports.workflow import change_status
from tests.factories import COMMUNITY, GRID, GRID_POINT, TOWN, assert_problem
from tests.fixtures.people import People
from tests.fixtures.reports import GARBAGE, make_report
from tests.reports.factories import DIRTY_ROAD, post_report

OTHER_TOWN_GRID = "341126101001001"
METRES_PER_DEGREE_LAT = 111_320.0


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    lon, lat = point
    return lon, lat + metres / METRES_PER_DEGREE_LAT


def ids(response: object) -> list[int]:
    body = response.json()  # type: ignore[attr-defined]
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("rider", 200),
        ("coordinator", 200),
        ("admin", 200),
        ("other_rider", 404),
        ("other_coordinator", 404),
        ("unit", 404),
    ],
)
def test_a_report_is_seen_by_its_reporter_its_coordinators_and_admins_only(
    client: TestClient, people: People, viewer: str, status: int
) -> None:
    report = post_report(client, people.rider.headers).json()
    headers = getattr(people, viewer).headers
    for path in (f"/api/v1/reports/{report['id']}", f"/api/v1/reports/{report['id']}/events"):
        response = client.get(path, headers=headers)
        assert response.status_code == status, path
    listed = client.get("/api/v1/reports", headers=headers)
    assert ids(listed) == ([report["id"]] if status == 200 else [])


def test_read_report_is_the_created_one_without_nearby(client: TestClient, people: People) -> None:
    created = post_report(client, people.rider.headers).json()
    read = client.get(f"/api/v1/reports/{created['id']}", headers=people.rider.headers).json()
    # The same report; its photo may have been redacted in between (ids stay).
    assert {**read, "photos": None} == {
        **{key: value for key, value in created.items() if key != "nearby"},
        "photos": None,
    }
    assert [photo["id"] for photo in read["photos"]] == [p["id"] for p in created["photos"]]


def test_unknown_report_is_404(client: TestClient, people: People) -> None:
    assert_problem(client.get("/api/v1/reports/999999", headers=people.admin.headers), 404)


def test_riders_list_their_own_reports_newest_first(
    client: TestClient, people: People, session: Session
) -> None:
    now = utcnow()
    older = make_report(session, people.rider.id, created_at=now - timedelta(hours=2))
    urgent = make_report(session, people.rider.id, urgent=True, created_at=now - timedelta(hours=1))
    newest = make_report(session, people.rider.id, created_at=now)
    make_report(session, people.other_rider.id, created_at=now)
    listed = client.get("/api/v1/reports", headers=people.rider.headers)
    assert ids(listed) == [newest.id, urgent.id, older.id]


@pytest.mark.parametrize("viewer", ["coordinator", "admin"])
def test_staff_queues_put_urgent_reports_first(
    client: TestClient, people: People, session: Session, viewer: str
) -> None:
    now = utcnow()
    old_urgent = make_report(
        session, people.rider.id, urgent=True, created_at=now - timedelta(days=2)
    )
    new_urgent = make_report(
        session, people.rider.id, urgent=True, created_at=now - timedelta(days=1)
    )
    newest = make_report(session, people.rider.id, created_at=now)
    oldest = make_report(session, people.rider.id, created_at=now - timedelta(days=3))
    listed = client.get("/api/v1/reports", headers=getattr(people, viewer).headers)
    assert ids(listed) == [new_urgent.id, old_urgent.id, newest.id, oldest.id]


@pytest.mark.parametrize(("viewer", "urgent_first"), [("coordinator", True), ("rider", False)])
def test_pages_walk_every_report_once_in_order(
    client: TestClient, people: People, session: Session, viewer: str, urgent_first: bool
) -> None:
    now = utcnow()
    tied = now - timedelta(minutes=5)  # several reports in the same microsecond
    reports = [
        make_report(session, people.rider.id, urgent=i % 3 == 0, created_at=created_at)
        for i, created_at in enumerate(
            [now - timedelta(minutes=m) for m in (9, 1, 7, 3)] + [tied] * 4 + [now]
        )
    ]

    def order(report: Report) -> tuple[bool, object, int]:
        assert report.id is not None
        return (report.urgent and urgent_first, report.created_at, report.id)

    expected = [r.id for r in sorted(reports, key=order, reverse=True)]
    walked: list[int] = []
    cursor: str | None = None
    headers = getattr(people, viewer).headers
    while True:
        params: dict[str, str | int] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/reports", params=params, headers=headers).json()
        assert len(page["items"]) <= 2
        walked += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "accepted"}, ["accepted"]),
        ({"category": DIRTY_ROAD}, ["dirty road"]),
        ({"urgent": "true"}, ["urgent"]),
        ({"grid": GRID}, ["plain", "accepted", "dirty road", "urgent"]),
        ({"grid": OTHER_TOWN_GRID}, ["other town"]),
        ({"grid": TOWN}, ["plain", "accepted", "dirty road", "urgent", "unassigned"]),
        ({"unassigned": "true"}, ["unassigned"]),
        ({"unassigned": "false", "category": DIRTY_ROAD}, ["dirty road"]),
        ({"status": "closed"}, []),
    ],
)
def test_filters_narrow_the_list(
    client: TestClient,
    people: People,
    session: Session,
    params: dict[str, str],
    expected: list[str],
) -> None:
    now = utcnow()
    made = {
        "plain": make_report(session, people.rider.id, created_at=now - timedelta(minutes=6)),
        "accepted": make_report(
            session,
            people.rider.id,
            status=ReportStatus.ACCEPTED,
            created_at=now - timedelta(minutes=5),
        ),
        "dirty road": make_report(
            session,
            people.rider.id,
            category_code=DIRTY_ROAD,
            created_at=now - timedelta(minutes=4),
        ),
        "urgent": make_report(
            session, people.rider.id, urgent=True, created_at=now - timedelta(minutes=3)
        ),
        "other town": make_report(
            session, people.rider.id, grid=OTHER_TOWN_GRID, created_at=now - timedelta(minutes=2)
        ),
        "unassigned": make_report(
            session, people.rider.id, grid=None, created_at=now - timedelta(minutes=1)
        ),
    }
    # The unassigned report waits in the queue of GRID's community (set as locate would).
    community = grid_by_code(session, COMMUNITY)
    assert community is not None
    unassigned = made["unassigned"]
    unassigned.community_code, unassigned.area_path = community.code, community.path
    session.add(unassigned)
    session.commit()
    listed = client.get(
        "/api/v1/reports", params=params | {"limit": 100}, headers=people.admin.headers
    )
    assert listed.status_code == 200, listed.text
    by_id = {report.id: name for name, report in made.items()}
    assert sorted(by_id[i] for i in ids(listed)) == sorted(expected)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"grid": "999999"}, "grid"),
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"status": "lost"}, "status"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_list_parameters_are_refused(
    client: TestClient, people: People, params: dict[str, str | int], field: str
) -> None:
    body = assert_problem(
        client.get("/api/v1/reports", params=params, headers=people.admin.headers), 422
    )
    assert body["errors"][0]["field"] == field


def test_a_riders_cursor_does_not_continue_a_staff_list(
    client: TestClient, people: People, session: Session
) -> None:
    for _ in range(3):
        make_report(session, people.rider.id)
    rider_page = client.get("/api/v1/reports", params={"limit": 1}, headers=people.rider.headers)
    cursor = rider_page.json()["next_cursor"]
    assert cursor
    response = client.get(
        "/api/v1/reports", params={"cursor": cursor}, headers=people.coordinator.headers
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "cursor"


def test_timeline_lists_each_step_with_who_and_when(
    client: TestClient, people: People, session: Session
) -> None:
    created = post_report(client, people.rider.headers).json()
    report = session.get(Report, created["id"])
    assert report is not None
    change_status(
        session, report, ReportStatus.ACCEPTED, actor_id=people.coordinator.id, note="已受理"
    )
    session.commit()
    timeline = client.get(
        f"/api/v1/reports/{created['id']}/events", headers=people.rider.headers
    ).json()["items"]
    assert [(e["kind"], e["from_status"], e["to_status"], e["note"]) for e in timeline] == [
        ("submitted", None, "submitted", None),
        ("status_changed", "submitted", "accepted", "已受理"),
    ]
    assert [e["actor"] for e in timeline] == [
        {"id": people.rider.id, "role": "rider", "name": "13800000001", "integration": False},
        {
            "id": people.coordinator.id,
            "role": "coordinator",
            "name": "coordinator",
            "integration": False,
        },
    ]
    assert timeline[0]["created_at"] <= timeline[1]["created_at"]


def test_rider_following_a_merged_case_sees_no_caller_or_other_rider(
    client: TestClient, people: People, session: Session
) -> None:
    """A rider whose report was merged into another's case may read that case, but not who
    called it in or which rider sent it."""
    recorded = post_report(
        client,
        people.coordinator.headers,
        (),
        channel=Channel.PHONE,
        caller_name="王先生",
        caller_phone="13900000000",
    ).json()
    other_riders = post_report(client, people.other_rider.headers).json()
    mine = make_report(session, people.rider.id)
    for case_id in (recorded["id"], other_riders["id"]):
        case = session.get(Report, case_id)
        assert case is not None
        change_status(session, case, ReportStatus.ACCEPTED, actor_id=people.coordinator.id)
    change_status(
        session,
        mine,
        ReportStatus.DUPLICATE,
        actor_id=people.coordinator.id,
        duplicate_of_id=recorded["id"],
    )
    session.commit()
    case = client.get(f"/api/v1/reports/{recorded['id']}", headers=people.rider.headers).json()
    assert (case["caller_name"], case["caller_phone"]) == (None, None)
    staff_view = client.get(f"/api/v1/reports/{recorded['id']}", headers=people.coordinator.headers)
    assert staff_view.json()["caller_name"] == "王先生"

    mine.duplicate_of_id = other_riders["id"]
    session.add(mine)
    session.commit()
    timeline = client.get(
        f"/api/v1/reports/{other_riders['id']}/events", headers=people.rider.headers
    ).json()["items"]
    assert timeline[0]["actor"] == {"id": None, "role": "rider", "name": None, "integration": False}
    assert timeline[1]["actor"]["name"] == "coordinator"


def test_nearby_lists_open_reports_of_the_category_close_by_and_recent(
    client: TestClient, people: People, session: Session
) -> None:
    now = utcnow()
    keys = (content_key(b"display"), content_key(b"thumbnail"))
    near = make_report(session, people.rider.id, point=north_of(GRID_POINT, 40), photo_keys=keys)
    nearer = make_report(
        session,
        people.other_rider.id,
        point=north_of(GRID_POINT, 10),
        created_at=now - timedelta(days=6),
    )
    accepted = make_report(
        session, people.rider.id, point=north_of(GRID_POINT, 90), status=ReportStatus.ACCEPTED
    )
    # Not listed: too far, too old, closed, rejected or of another category.
    make_report(session, people.rider.id, point=north_of(GRID_POINT, 120))
    make_report(session, people.rider.id, created_at=now - timedelta(days=8))
    make_report(session, people.rider.id, status=ReportStatus.CLOSED)
    make_report(session, people.rider.id, status=ReportStatus.REJECTED)
    make_report(session, people.rider.id, category_code=DIRTY_ROAD)
    lon, lat = GRID_POINT
    response = client.get(
        "/api/v1/reports/nearby",
        params={"lat": lat, "lon": lon, "category": GARBAGE},
        headers=people.bystander.headers,
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["id"] for item in items] == [nearer.id, near.id, accepted.id]
    assert [round(item["distance_m"]) for item in items] == [10, 40, 90]
    assert items[0]["thumbnail_url"] is None
    assert items[1]["thumbnail_url"].startswith(f"/api/v1/photos/{keys[1]}.jpg?")
    assert set(items[0]) == {
        "id",
        "category",
        "status",
        "lat",
        "lon",
        "distance_m",
        "created_at",
        "thumbnail_url",
    }


def test_nearby_without_a_category_lists_every_open_report_in_the_radius_of_any_age(
    client: TestClient, people: People, session: Session
) -> None:
    """身边事: the rider's surroundings, not the "is it this one?" check of one category."""
    old_road = make_report(
        session,
        people.other_rider.id,
        point=north_of(GRID_POINT, 300),
        category_code=DIRTY_ROAD,
        created_at=utcnow() - timedelta(days=30),
    )
    garbage = make_report(session, people.rider.id, point=north_of(GRID_POINT, 20))
    closed_point = north_of(GRID_POINT, 50)
    make_report(session, people.rider.id, point=closed_point, status=ReportStatus.CLOSED)
    make_report(session, people.rider.id, point=north_of(GRID_POINT, 1_500))
    lon, lat = GRID_POINT
    response = client.get(
        "/api/v1/reports/nearby",
        params={"lat": lat, "lon": lon, "radius_m": 1_000},
        headers=people.bystander.headers,
    )
    assert ids(response) == [garbage.id, old_road.id]
    default_radius = client.get(
        "/api/v1/reports/nearby", params={"lat": lat, "lon": lon}, headers=people.rider.headers
    )
    assert ids(default_radius) == [garbage.id]


def test_nearby_at_one_distance_puts_the_newest_first(
    client: TestClient, people: People, session: Session
) -> None:
    """A busy corner: a fresh report is not pushed past the list's end by older ones there."""
    point = north_of(GRID_POINT, 30)
    older = make_report(
        session, people.rider.id, point=point, created_at=utcnow() - timedelta(days=2)
    )
    newer = make_report(session, people.other_rider.id, point=point)
    lon, lat = GRID_POINT
    response = client.get(
        "/api/v1/reports/nearby", params={"lat": lat, "lon": lon}, headers=people.rider.headers
    )
    assert ids(response) == [newer.id, older.id]


def test_nearby_takes_a_gcj02_point(client: TestClient, people: People, session: Session) -> None:
    report = make_report(session, people.rider.id)
    lon, lat = from_wgs84(*GRID_POINT, CoordinateSystem.GCJ02)
    response = client.get(
        "/api/v1/reports/nearby",
        params={"lat": lat, "lon": lon, "crs": "gcj02", "category": GARBAGE},
        headers=people.rider.headers,
    )
    assert ids(response) == [report.id]
    assert response.json()["items"][0]["distance_m"] < 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "9999"}, "category"),
        ({"lat": 95}, "lat"),
        ({"radius_m": 5_000}, "radius_m"),
    ],
)
def test_nearby_refuses_bad_parameters(
    client: TestClient, people: People, params: dict[str, float | str | None], field: str
) -> None:
    lon, lat = GRID_POINT
    query: dict[str, float | str | None] = {"lat": lat, "lon": lon, "category": GARBAGE}
    query.update(params)
    response = client.get(
        "/api/v1/reports/nearby",
        params={k: v for k, v in query.items() if v is not None},
        headers=people.rider.headers,
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == field


def test_reading_needs_a_login(client: TestClient) -> None:
    for path in ("/api/v1/reports", "/api/v1/reports/1", "/api/v1/reports/1/events"):
        assert_problem(client.get(path), 401)
