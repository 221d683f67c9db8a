"""POST /api/v1/reports: placing a report, who may send what, limits, replays and races."""

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from sqlmodel import Session, select

from app.accounts.models import Role
from app.categories.models import Category
from app.core.config import Settings
from app.core.runtime import Runtime
from app.demo.fengyang import demo_grids
from app.grids.crs import CoordinateSystem, distance_m, from_wgs84
from app.main import create_app
from app.photos import intake
from app.reports.models import Report, ReportEvent, ReportPhoto
from tests.clients import english_client
from tests.conftest import make_settings
from tests.factories import COMMUNITY, GRID, GRID_POINT, assert_problem
from tests.fixtures.people import People
from tests.reports.factories import (
    GARBAGE,
    ROAD_COLLAPSE,
    count_rows,
    live_server,
    once_redacted,
    photo_parts,
    post_report,
    redact_taken_photos,
    report_fields,
    small_jpeg,
    stored_files,
)

METRES_PER_DEGREE_LAT = 111_320.0
ITALY = (11.885, 43.467)  # far from every demo community
OTHER_TOWN_POINT = (117.60, 32.93)  # in the demo county, in the other town


@pytest.fixture
def client_with(database_url: str, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Builds a client on the test database with some settings changed."""
    with ExitStack() as stack:

        def build(**overrides: object) -> TestClient:
            runtime = Runtime.from_settings(
                make_settings(database_url, tmp_path / "data", **overrides)
            )
            stack.callback(runtime.engine.dispose)
            return stack.enter_context(english_client(create_app(runtime=runtime)))

        yield build


def assert_nothing_stored(session: Session, settings: Settings) -> None:
    assert count_rows(session, Report) == 0
    assert count_rows(session, ReportEvent) == 0
    assert count_rows(session, ReportPhoto) == 0
    assert stored_files(settings.photo_dir) == []


def test_rider_report_lands_in_the_grid_of_its_point(
    client: TestClient, people: People, session: Session
) -> None:
    response = post_report(client, people.rider.headers, accuracy_m=8.5)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["status"] == "submitted"
    assert report["category"] == GARBAGE
    assert report["grid"] == {"code": GRID, "name": "凤凰熙岸小区网格"}
    assert report["community"]["code"] == COMMUNITY
    assert (report["lon"], report["lat"]) == GRID_POINT
    assert report["accuracy_m"] == 8.5
    assert report["location_source"] == "client"
    assert (report["urgent"], report["channel"], report["duplicate_of"]) == (False, "app", None)
    assert report["nearby"] == []
    [photo] = report["photos"]
    assert (photo["ready"], photo["url"]) == (False, None)  # redacted after the answer
    assert (photo["width"], photo["height"]) == (320, 240)
    [photo] = once_redacted(client, people.rider.headers, report)["photos"]
    assert photo["url"].startswith("/api/v1/photos/")
    assert datetime.fromisoformat(report["created_at"]).utcoffset() is not None
    [event] = session.exec(select(ReportEvent)).all()
    assert (event.report_id, event.kind, event.to_status) == (
        report["id"],
        "submitted",
        "submitted",
    )
    assert event.actor_id == people.rider.id


def test_pending_rider_may_not_report_and_nothing_is_stored(
    client: TestClient, people: People, session: Session
) -> None:
    body = assert_problem(post_report(client, people.pending_rider.headers), 403)
    assert body["detail"] == "Only approved riders may do this."
    assert session.exec(select(Report)).all() == []
    session.rollback()


@pytest.mark.parametrize("crs", [CoordinateSystem.GCJ02, CoordinateSystem.BD09])
def test_chinese_map_point_lands_in_the_same_grid_as_its_wgs84_original(
    client: TestClient, people: People, crs: CoordinateSystem
) -> None:
    lon, lat = from_wgs84(*GRID_POINT, crs)
    # Read as WGS-84, the shifted point would lie hundreds of metres away.
    assert distance_m(lon, lat, *GRID_POINT) > 300
    response = post_report(client, people.rider.headers, lat=lat, lon=lon, crs=crs)
    report = response.json()
    assert report["grid"]["code"] == GRID
    assert distance_m(report["lon"], report["lat"], *GRID_POINT) < 1


def test_report_without_a_point_takes_the_first_photo_gps(
    client: TestClient, people: People
) -> None:
    photos = (small_jpeg(gps=GRID_POINT), small_jpeg(gps=ITALY))
    response = post_report(client, people.rider.headers, photos, lat=None, lon=None)
    report = response.json()
    assert response.status_code == 201, report
    assert report["location_source"] == "exif"
    assert report["grid"]["code"] == GRID
    assert distance_m(report["lon"], report["lat"], *GRID_POINT) < 1


def test_point_sent_wins_over_the_photo_gps(client: TestClient, people: People) -> None:
    response = post_report(client, people.rider.headers, (small_jpeg(gps=ITALY),))
    assert response.json()["grid"]["code"] == GRID
    assert response.json()["location_source"] == "client"


def test_report_without_point_or_gps_is_refused_with_a_hint(
    client: TestClient, people: People, session: Session, settings: Settings
) -> None:
    response = post_report(client, people.rider.headers, lat=None, lon=None)
    body = assert_problem(response, 422)
    assert "send lat/lon or a photo with GPS" in body["detail"]
    assert_nothing_stored(session, settings)


def _point_beside_the_grids() -> tuple[float, float]:
    grids = unary_union(
        [
            shape(f["geometry"])
            for f in demo_grids()["features"]
            if f["properties"]["level"] == "grid"
        ]
    )
    _min_lon, min_lat, max_lon, max_lat = grids.bounds
    point = (max_lon + 0.004, (min_lat + max_lat) / 2)  # about 400 m east of the last grid
    assert not grids.contains(Point(point))
    return point


def test_point_in_no_grid_goes_to_the_unassigned_queue_of_the_nearest_community(
    client: TestClient, people: People
) -> None:
    lon, lat = _point_beside_the_grids()
    report = post_report(client, people.rider.headers, lat=lat, lon=lon).json()
    assert report["grid"] is None
    community = report["community"]["code"]
    community_coordinator = people.person(
        Role.COORDINATOR, "community-coordinator", areas=(community,)
    )
    queue = client.get(
        "/api/v1/reports", params={"unassigned": "true"}, headers=community_coordinator.headers
    )
    assert [item["id"] for item in queue.json()["items"]] == [report["id"]]
    admin_queue = client.get(
        "/api/v1/reports", params={"unassigned": "true"}, headers=people.admin.headers
    )
    assert [item["id"] for item in admin_queue.json()["items"]] == [report["id"]]


def test_point_far_from_every_community_is_refused(
    client: TestClient, people: People, session: Session
) -> None:
    lon, lat = ITALY
    response = post_report(client, people.rider.headers, lat=lat, lon=lon)
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "lat"
    assert count_rows(session, Report) == 0


@pytest.mark.parametrize(
    ("category", "urgent_flag", "urgent"),
    [(GARBAGE, False, False), (GARBAGE, True, True), (ROAD_COLLAPSE, False, True)],
)
def test_report_is_urgent_when_the_rider_says_so_or_its_category_is_an_emergency(
    client: TestClient, people: People, category: str, urgent_flag: bool, urgent: bool
) -> None:
    response = post_report(client, people.rider.headers, category=category, urgent=urgent_flag)
    assert response.json()["urgent"] is urgent


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "9999"}, "category"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"client_id": None}, "client_id"),
        ({"lon": None}, "lon"),
        ({"lat": None}, "lat"),
        ({"lat": 91}, "lat"),
        ({"lon": "east"}, "lon"),
        ({"crs": "utm"}, "crs"),
        ({"channel": "fax"}, "channel"),
        ({"accuracy_m": -1}, "accuracy_m"),
        ({"description": "垃" * 2001}, "description"),
    ],
)
def test_invalid_form_is_refused_with_the_field_named(
    client: TestClient,
    people: People,
    session: Session,
    settings: Settings,
    overrides: dict[str, object],
    field: str,
) -> None:
    body = assert_problem(post_report(client, people.rider.headers, **overrides), 422)
    assert field in [error["field"] for error in body["errors"]], body
    assert_nothing_stored(session, settings)


def test_description_of_2000_characters_is_accepted(client: TestClient, people: People) -> None:
    response = post_report(client, people.rider.headers, description="垃" * 2000)
    assert response.status_code == 201, response.text
    assert len(response.json()["description"]) == 2000


def test_retired_category_is_refused(client: TestClient, people: People, session: Session) -> None:
    category = session.get(Category, GARBAGE)
    assert category is not None
    category.active = False
    session.commit()
    body = assert_problem(post_report(client, people.rider.headers), 422)
    assert body["errors"][0]["field"] == "category"


def test_app_report_needs_a_photo(client: TestClient, people: People) -> None:
    body = assert_problem(post_report(client, people.rider.headers, ()), 422)
    assert body["errors"][0]["field"] == "photo"


def test_more_photos_than_allowed_is_refused(
    client: TestClient, people: People, settings: Settings
) -> None:
    photos = tuple(small_jpeg() for _ in range(settings.max_photos_per_report + 1))
    body = assert_problem(post_report(client, people.rider.headers, photos), 422)
    assert body["errors"][0]["field"] == "photo"


def test_photo_over_the_byte_limit_is_a_413(
    client_with: Callable[..., TestClient], people: People, session: Session, settings: Settings
) -> None:
    limited = client_with(max_photo_bytes=20_000)
    big = small_jpeg() + b"\0" * 20_000  # padding after the end of the image still counts
    body = assert_problem(post_report(limited, people.rider.headers, (small_jpeg(), big)), 413)
    assert body["errors"][0]["field"] == "photo[1]"
    assert_nothing_stored(session, settings)


def test_request_over_the_byte_limit_is_a_413(
    client_with: Callable[..., TestClient], people: People, session: Session, settings: Settings
) -> None:
    limited = client_with(max_request_bytes=50_000)
    photos = (small_jpeg() + b"\0" * 60_000,)
    assert_problem(post_report(limited, people.rider.headers, photos), 413)
    assert_nothing_stored(session, settings)


def test_every_413_has_the_one_payload_too_large_shape(
    client_with: Callable[..., TestClient], people: People, session: Session, settings: Settings
) -> None:
    limited = client_with(max_request_bytes=50_000, max_photo_bytes=20_000)
    big = small_jpeg() + b"\0" * 20_000

    def streamed_body() -> Iterator[bytes]:  # no Content-Length: counted while it streams
        for _ in range(60):
            yield b" " * 1_000

    answers = {
        "a photo over its limit": post_report(limited, people.rider.headers, (big,)),
        "photos over the request limit": post_report(limited, people.rider.headers, (big,) * 3),
        "a body streamed over the request limit": limited.post(
            "/api/v1/riders",
            content=streamed_body(),
            headers={"Content-Type": "application/json"},
        ),
    }
    shapes = {
        why: (body["type"], body["title"], body["status"])
        for why, body in ((why, assert_problem(r, 413)) for why, r in answers.items())
    }
    assert shapes == dict.fromkeys(
        answers, ("urn:tantou:problem:payload-too-large", "Payload too large", 413)
    )
    assert_nothing_stored(session, settings)


@pytest.mark.parametrize("channel", ["phone", "wechat", "message"])
def test_coordinator_records_a_call_without_photos(
    client: TestClient, people: People, channel: str
) -> None:
    response = post_report(
        client,
        people.coordinator.headers,
        (),
        channel=channel,
        caller_name="王先生",
        caller_phone="13900000000",
    )
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["channel"], report["photos"]) == (channel, [])
    assert (report["caller_name"], report["caller_phone"]) == ("王先生", "139****0000")


def test_admin_records_a_call_anywhere_in_the_service_area(
    client: TestClient, people: People
) -> None:
    lon, lat = OTHER_TOWN_POINT
    response = post_report(
        client, people.admin.headers, (), channel="phone", caller_name="李女士", lat=lat, lon=lon
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("who", "overrides", "status", "field"),
    [
        ("rider", {"channel": "phone", "caller_name": "王先生"}, 403, None),
        ("rider", {"channel": "api"}, 403, None),
        ("unit", {}, 403, None),
        ("coordinator", {"channel": "phone"}, 422, "caller_name"),
        ("rider", {"caller_name": "王先生"}, 422, "caller_name"),
    ],
)
def test_channel_rules(
    client: TestClient,
    people: People,
    session: Session,
    settings: Settings,
    who: str,
    overrides: dict[str, object],
    status: int,
    field: str | None,
) -> None:
    person = getattr(people, who)
    body = assert_problem(post_report(client, person.headers, **overrides), status)
    if field is not None:
        assert body["errors"][0]["field"] == field
    assert_nothing_stored(session, settings)


def test_coordinator_records_only_inside_their_areas(
    client: TestClient, people: People, session: Session, settings: Settings
) -> None:
    response = post_report(
        client, people.other_coordinator.headers, (), channel="phone", caller_name="王先生"
    )
    body = assert_problem(response, 403)
    assert "outside your areas" in body["detail"]
    assert_nothing_stored(session, settings)


def test_created_report_lists_open_reports_of_its_category_nearby(
    client: TestClient, people: People
) -> None:
    lon, lat = GRID_POINT
    first = post_report(client, people.rider.headers).json()
    post_report(client, people.rider.headers, category=ROAD_COLLAPSE)
    redact_taken_photos(client)  # a neighbour's thumbnail is linked once redacted
    north_50_m = lat + 50 / METRES_PER_DEGREE_LAT
    second = post_report(client, people.other_rider.headers, lat=north_50_m, lon=lon)
    assert second.status_code == 201
    [neighbour] = second.json()["nearby"]
    assert (neighbour["id"], neighbour["category"], neighbour["status"]) == (
        first["id"],
        GARBAGE,
        "submitted",
    )
    assert neighbour["distance_m"] == pytest.approx(50, abs=1)
    assert neighbour["thumbnail_url"].startswith("/api/v1/photos/")


def test_replayed_client_id_returns_the_same_report(
    client: TestClient, people: People, session: Session
) -> None:
    fields = report_fields()
    photo = small_jpeg()
    first = client.post(
        "/api/v1/reports", data=fields, files=photo_parts(photo), headers=people.rider.headers
    )
    replay = client.post(
        "/api/v1/reports", data=fields, files=photo_parts(photo), headers=people.rider.headers
    )
    assert (first.status_code, replay.status_code) == (201, 200)
    # The same report; its photo may have been redacted in between.
    assert {**replay.json(), "photos": None} == {**first.json(), "photos": None}
    assert [photo["id"] for photo in replay.json()["photos"]] == [
        photo["id"] for photo in first.json()["photos"]
    ]
    assert count_rows(session, Report) == 1
    assert count_rows(session, ReportEvent) == 1
    assert count_rows(session, ReportPhoto) == 1


def test_replay_is_answered_before_any_photo_work(
    client: TestClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = report_fields()
    photo = small_jpeg()
    first = client.post(
        "/api/v1/reports", data=fields, files=photo_parts(photo), headers=people.rider.headers
    )

    def no_image_work(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a replay must not process its photos again")

    monkeypatch.setattr(intake, "process_uploads", no_image_work)
    fields["client_id"] = fields["client_id"].upper()  # the same UUID, written differently
    replay = client.post(
        "/api/v1/reports", data=fields, files=photo_parts(photo), headers=people.rider.headers
    )
    assert replay.status_code == 200
    assert replay.json()["id"] == first.json()["id"]


@pytest.mark.parametrize(
    "change",
    [
        {"description": "另一处垃圾"},
        {"category": ROAD_COLLAPSE},
        {"urgent": True},
        {"lat": GRID_POINT[1] + 0.0001},
        {"photo": small_jpeg(gps=GRID_POINT)},
    ],
    ids=["description", "category", "urgent", "point", "photo"],
)
def test_replay_with_other_content_is_a_client_id_conflict(
    client: TestClient, people: People, session: Session, change: dict[str, object]
) -> None:
    fields = report_fields()
    photo = small_jpeg()
    first = client.post(
        "/api/v1/reports", data=fields, files=photo_parts(photo), headers=people.rider.headers
    )
    assert first.status_code == 201
    change = dict(change)  # the parameter is shared by both database runs
    changed_photo = change.pop("photo", photo)
    assert isinstance(changed_photo, bytes)
    fields.update({name: str(value).lower() for name, value in change.items()})
    response = client.post(
        "/api/v1/reports",
        data=fields,
        files=photo_parts(changed_photo),
        headers=people.rider.headers,
    )
    assert_problem(response, 409, slug="client-id-reused")
    assert count_rows(session, Report) == 1


def test_same_client_id_from_another_account_is_another_report(
    client: TestClient, people: People
) -> None:
    client_id = str(uuid.uuid4())
    first = post_report(client, people.rider.headers, client_id=client_id)
    second = post_report(client, people.other_rider.headers, client_id=client_id)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_twin_saved_during_the_photo_work_is_returned(
    client: TestClient, people: People, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The twin commits between our replay check and our insert: the unique constraint catches
    it. The twin can commit at all only because the write lock is not held during image work."""
    fields = report_fields()
    photo = small_jpeg()
    process_uploads = intake.process_uploads
    twin_statuses: list[int] = []

    def process_while_a_twin_arrives(*args: object, **kwargs: object) -> object:
        if not twin_statuses:
            twin_statuses.append(0)
            twin = client.post(
                "/api/v1/reports",
                data=fields,
                files=photo_parts(photo),
                headers=people.rider.headers,
            )
            twin_statuses[0] = twin.status_code
        return process_uploads(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "process_uploads", process_while_a_twin_arrives)
    response = client.post(
        "/api/v1/reports", data=fields, files=photo_parts(photo), headers=people.rider.headers
    )
    assert (twin_statuses, response.status_code) == ([201], 200)
    assert count_rows(session, Report) == 1
    assert count_rows(session, ReportPhoto) == 1
    [report] = session.exec(select(Report)).all()
    assert response.json()["id"] == report.id


def test_racing_requests_with_one_client_id_make_one_report(
    runtime: Runtime, people: People, session: Session, settings: Settings
) -> None:
    fields = report_fields()
    photos = (small_jpeg(), small_jpeg(gps=GRID_POINT))
    racers = 6
    start = threading.Barrier(racers)
    responses: list[httpx.Response] = []
    with live_server(create_app(runtime=runtime)) as base_url:

        def race() -> None:
            with httpx.Client(base_url=base_url, timeout=60) as http:
                start.wait()
                responses.append(
                    http.post(
                        "/api/v1/reports",
                        data=fields,
                        files=photo_parts(*photos),
                        headers=people.rider.headers,
                    )
                )

        threads = [threading.Thread(target=race) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(r.status_code for r in responses) == [200] * (racers - 1) + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert count_rows(session, Report) == 1
    assert count_rows(session, ReportEvent) == 1
    assert count_rows(session, ReportPhoto) == 2
    stored = stored_files(settings.photo_dir)
    for photo in session.exec(select(ReportPhoto)).all():
        assert any(path.name.startswith(photo.display_key) for path in stored)


def test_failed_commit_takes_back_the_new_files_only(
    client: TestClient,
    people: People,
    session: Session,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared_photo = small_jpeg()
    assert post_report(client, people.rider.headers, (shared_photo,)).status_code == 201
    kept = stored_files(settings.photo_dir)
    assert kept

    def failing_subscriber(_session: Session, _event: object) -> None:
        raise RuntimeError("a subscriber failed")

    monkeypatch.setattr("app.reports.service.publish", failing_subscriber)
    new_photo = small_jpeg(gps=GRID_POINT)
    with pytest.raises(RuntimeError, match="a subscriber failed"):
        post_report(client, people.rider.headers, (shared_photo, new_photo))
    assert stored_files(settings.photo_dir) == kept
    assert count_rows(session, Report) == 1
