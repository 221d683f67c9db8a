"""Text that is not UTF-8, sent as an attacker would: Starlette alone would read a form field as
Latin-1 (or a percent-encoded byte as U+FFFD) and store mojibake. Each is a 4xx naming the field,
and nothing is stored. Database tests run on SQLite and PostgreSQL."""

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.core.messages import Message
from app.core.runtime import Runtime
from app.core.utf8_guard import NOT_PERCENT_ENCODED, NOT_UTF8, MultipartChecker
from app.main import create_app
from app.reports.models import Report
from app.riders.models import Team
from tests.clients import ENGLISH
from tests.factories import COMMUNITY, assert_problem
from tests.fixtures.people import People
from tests.photos.factories import fixture_photo
from tests.reports.factories import live_server, report_fields, stored_files

BOUNDARY = "tantou-test-boundary"
REAL_PHOTO = "jpg/mobile/HMD_Nokia_8.3_5G.jpg"  # 2 MB: many chunks through a live server


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(model)).one())


def assert_not_utf8(response: httpx.Response, field: str, message: Message = NOT_UTF8) -> None:
    body = assert_problem(response, 422)
    assert body["type"] == "urn:tantou:problem:validation"
    assert body["errors"] == [{"field": field, "message": message.render("en")}], body


def multipart(fields: list[tuple[bytes, bytes]], photo: bytes, *, photo_first: bool) -> bytes:
    """A multipart body written byte by byte, so that names and values can be any bytes."""
    parts = [
        b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (name, value)
        for name, value in fields
    ]
    photo_part = (
        b'Content-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + photo
    )
    parts = [photo_part, *parts] if photo_first else [*parts, photo_part]
    delimiter = b"--" + BOUNDARY.encode()
    return b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts) + delimiter + b"--\r\n"


def report_form(**overrides: bytes) -> list[tuple[bytes, bytes]]:
    fields = {name.encode(): value.encode() for name, value in report_fields().items()}
    fields.update({name.encode(): value for name, value in overrides.items()})
    return list(fields.items())


def post_multipart(
    client: TestClient | httpx.Client, headers: dict[str, str], body: bytes
) -> httpx.Response:
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    return client.post(
        "/api/v1/reports", content=body, headers={**headers, "Content-Type": content_type}
    )


def test_invalid_utf8_in_a_login_form_is_422_naming_the_username(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/token",
        content=b"username=ad%FFmin&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_not_utf8(response, "username")


def test_raw_bytes_in_a_urlencoded_form_are_422_as_starlette_would_read_them_as_latin1(
    client: TestClient,
) -> None:
    response = client.post(
        "/api/v1/auth/token",
        content="username=管理员&password=x".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_not_utf8(response, "username", NOT_PERCENT_ENCODED)


@pytest.mark.parametrize("photo_first", [True, False])
def test_invalid_utf8_in_a_report_description_beside_a_real_photo_stores_nothing(
    runtime: Runtime, session: Session, people: People, photo_first: bool
) -> None:
    body = multipart(
        report_form(description="垃圾".encode() + b"\xff" + "堆".encode()),
        fixture_photo(REAL_PHOTO),
        photo_first=photo_first,
    )
    with (
        live_server(create_app(runtime=runtime)) as base_url,
        httpx.Client(base_url=base_url, headers=ENGLISH) as http,
    ):
        response = post_multipart(http, people.rider.headers, body)
    assert_not_utf8(response, "description")
    assert _count(session, Report) == 0
    assert stored_files(runtime.settings.photo_dir) == []


def test_a_valid_chinese_description_after_a_real_photo_is_stored_as_sent(
    runtime: Runtime, session: Session, people: People
) -> None:
    description = "小区门口垃圾堆放，已三天无人清运 🚮"
    body = multipart(
        report_form(description=description.encode()), fixture_photo(REAL_PHOTO), photo_first=True
    )
    with (
        live_server(create_app(runtime=runtime)) as base_url,
        httpx.Client(base_url=base_url, headers=ENGLISH) as http,
    ):
        response = post_multipart(http, people.rider.headers, body)
    assert response.status_code == 201, response.text
    assert response.json()["description"] == description
    assert len(response.json()["photos"]) == 1
    assert _count(session, Report) == 1


@pytest.mark.parametrize(
    ("part_name", "file_name", "field"),
    [(b"note\xc3", b"p.jpg", "note\ufffd"), (b"photo", b"\xe9t\xe9.jpg", "photo")],
)
def test_invalid_utf8_in_a_part_name_or_file_name_is_422_and_stores_nothing(
    client: TestClient,
    session: Session,
    people: People,
    part_name: bytes,
    file_name: bytes,
    field: str,
) -> None:
    fields = b"".join(
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (BOUNDARY.encode(), name, value)
        for name, value in [*report_form(), (part_name, b"x")]
    )
    photo = b'--%s\r\nContent-Disposition: form-data; name="photo"; filename="%s"\r\n\r\n' % (
        BOUNDARY.encode(),
        file_name,
    )
    body = fields + photo + fixture_photo(REAL_PHOTO) + b"\r\n--%s--\r\n" % BOUNDARY.encode()
    assert_not_utf8(post_multipart(client, people.rider.headers, body), field)
    assert _count(session, Report) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"name": "\xe4\xb8\x80\xff", "community_code": "%s"}', "name"),
        (b'{"name": "\xe4\xb8\x80", "community_code": "%s", "ar\xffea": 1}', "ar\ufffdea"),
        (b'{"name": "x", "community_code": "%s",\xff}', "body"),
    ],
)
def test_invalid_utf8_in_a_json_body_is_422_naming_the_field(
    client: TestClient, session: Session, people: People, body: bytes, field: str
) -> None:
    response = client.post(
        "/api/v1/teams",
        content=body.replace(b"%s", COMMUNITY.encode()),
        headers={**people.coordinator.headers, "Content-Type": "application/json"},
    )
    assert_not_utf8(response, field)
    assert _count(session, Team) == 0


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/stats?area=34%FF", "area"),
        ("/api/v1/stats?ar%E9a=34", "ar\ufffda"),
        ("/api/v1/categories/01%C3", "path"),
    ],
)
def test_invalid_utf8_in_a_query_or_path_is_422_naming_it(
    client: TestClient, people: People, url: str, field: str
) -> None:
    assert_not_utf8(client.get(url, headers=people.admin.headers), field)


def test_invalid_utf8_in_an_open311_query_is_an_open311_error(client: TestClient) -> None:
    response = client.get("/open311/v2/requests.json?service_code=01%FF")
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": f"service_code: {NOT_UTF8.render('en')}"}
    ]
    xml = client.get("/open311/v2/requests.xml?service_code=01%FF")
    assert xml.status_code == 400
    assert xml.headers["content-type"].startswith("text/xml")


def test_percent_encoded_chinese_in_a_query_reaches_the_route_as_sent(
    client: TestClient, people: People
) -> None:
    response = client.get(
        "/api/v1/stats?area=%E4%B8%8D%E5%AD%98%E5%9C%A8", headers=people.admin.headers
    )
    assert "'不存在'" in assert_problem(response, 422)["detail"]


def _checked_byte_by_byte(body: bytes) -> tuple[str, str] | None:
    checker = MultipartChecker(BOUNDARY.encode())
    for index in range(len(body)):
        checker.feed(body[index : index + 1], last=index == len(body) - 1)
    return checker.problem


def test_the_multipart_check_holds_when_every_byte_comes_in_its_own_chunk() -> None:
    photo = b"\xff\xd8 not utf-8 at all \xc3\x28 \xff\xd9"
    good = multipart([(b"description", "垃圾堆放".encode())], photo, photo_first=True)
    bad = multipart([(b"description", "垃圾".encode()[:-1])], photo, photo_first=False)
    assert _checked_byte_by_byte(good) is None
    assert _checked_byte_by_byte(bad) == ("description", NOT_UTF8)
