"""Open311 GeoReport v2 POST: the spec's form and multipart bodies, keys, retries and tokens."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import xmltodict
from fastapi.testclient import TestClient
from georeport import GeoReport
from sqlmodel import Session, select

from app.core.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from app.reports.models import Report, ReportPhoto
from app.reports.photo_redaction import finish_queued_redaction
from tests.apikeys.factories import issue_key
from tests.clients import english_client
from tests.factories import GRID, GRID_POINT
from tests.fixtures.people import People, Person
from tests.fixtures.reports import GARBAGE
from tests.photos.factories import make_jpeg
from tests.reports.factories import live_server

FORMATS = ["json", "xml"]
LON, LAT = GRID_POINT


def _post(url: str, **kwargs: Any) -> httpx.Response:
    # Generous: a loaded CI machine converting a photo on PostgreSQL can take seconds.
    return httpx.post(url, timeout=60, **kwargs)


def _posted(response: httpx.Response, fmt: str) -> dict[str, Any]:
    """The one request in a POST's answer, in either format."""
    if fmt == "json":
        body: list[dict[str, Any]] = response.json()
        assert len(body) == 1
        return body[0]
    assert response.headers["content-type"].startswith("text/xml")
    request: dict[str, Any] = xmltodict.parse(response.text)["service_requests"]["request"]
    return request


def _errors(response: httpx.Response, fmt: str) -> list[dict[str, Any]]:
    if fmt == "json":
        errors: list[dict[str, Any]] = response.json()
        return errors
    error = xmltodict.parse(response.text)["errors"]["error"]
    return error if isinstance(error, list) else [error]


@pytest.fixture
def open311_key(client: TestClient, people: People) -> Person:
    return issue_key(client, people.admin, "open311", name="12345 热线")


def _form(key: Person, **fields: str) -> dict[str, str]:
    form = {
        "api_key": key.headers["X-API-Key"],
        "service_code": GARBAGE,
        "lat": str(LAT),
        "long": str(LON),
        "description": "小区门口垃圾堆放三天无人清理",
    }
    form.update(fields)
    return form


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_form_post_makes_a_report_that_reads_back(
    open311_url: str, open311_key: Person, session: Session, fmt: str
) -> None:
    response = _post(f"{open311_url}/requests.{fmt}", data=_form(open311_key))
    assert response.status_code == 201, response.text
    posted = _posted(response, fmt)
    assert posted["token"]
    assert "处置" in posted["service_notice"]
    request = GeoReport(open311_url, output_format=fmt).get_service_request(
        posted["service_request_id"]
    )
    assert request["service_code"] == GARBAGE
    assert request["status"] == "open"
    assert request["description"] == "小区门口垃圾堆放三天无人清理"
    assert request["address_id"] == GRID
    report = session.get(Report, int(posted["service_request_id"]))
    assert report is not None
    assert report.channel == "api"


def test_multipart_with_a_media_file_keeps_the_photo(
    open311_url: str, open311_key: Person, session: Session, runtime: Runtime
) -> None:
    files = {"media": ("photo.jpg", make_jpeg(640, 480), "image/jpeg")}
    response = _post(f"{open311_url}/requests.json", data=_form(open311_key), files=files)
    assert response.status_code == 201, response.text
    report_id = int(_posted(response, "json")["service_request_id"])
    photos = session.exec(select(ReportPhoto).where(ReportPhoto.report_id == report_id)).all()
    assert len(photos) == 1
    assert photos[0].width == 640
    session.close()  # its write lock would hold up the redaction's write
    finish_queued_redaction(runtime)
    request = GeoReport(open311_url, output_format="json").get_service_request(str(report_id))
    photo = httpx.get(request["media_url"])
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"


def test_contact_fields_reach_the_coordinator_but_not_the_public_feed(
    open311_url: str, open311_key: Person, session: Session
) -> None:
    form = _form(open311_key, first_name="张", last_name="三", phone="13900000009")
    form["attribute[urgent]"] = "true"
    response = _post(f"{open311_url}/requests.json", data=form)
    report_id = int(_posted(response, "json")["service_request_id"])
    report = session.get(Report, report_id)
    assert report is not None
    assert (report.caller_name, report.caller_phone, report.urgent) == (
        "张 三",
        "13900000009",
        True,
    )
    public = httpx.get(f"{open311_url}/requests/{report_id}.json").text
    assert "13900000009" not in public
    assert "张 三" not in public


def test_an_address_without_a_point_lands_in_the_grid_it_names(
    open311_url: str, open311_key: Person, session: Session
) -> None:
    form = _form(open311_key, address_string="凤阳县府城镇东华社区凤凰熙岸小区北门")
    del form["lat"], form["long"]
    response = _post(f"{open311_url}/requests.json", data=form)
    assert response.status_code == 201, response.text
    report = session.get(Report, int(_posted(response, "json")["service_request_id"]))
    assert report is not None
    assert report.grid_code == GRID


def test_a_retry_answers_the_same_request_and_its_token_names_it(
    open311_url: str, open311_key: Person, session: Session
) -> None:
    first = _post(f"{open311_url}/requests.json", data=_form(open311_key))
    again = _post(f"{open311_url}/requests.json", data=_form(open311_key))
    assert (first.status_code, again.status_code) == (201, 200)
    posted = _posted(first, "json")
    assert _posted(again, "json")["service_request_id"] == posted["service_request_id"]
    assert len(session.exec(select(Report)).all()) == 1
    for fmt in FORMATS:
        token = httpx.get(f"{open311_url}/tokens/{posted['token']}.{fmt}")
        assert token.status_code == 200
        assert _posted(token, fmt)["service_request_id"] == posted["service_request_id"]
    assert httpx.get(f"{open311_url}/tokens/no-such-token.json").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_keys_are_checked_with_the_specs_403(
    open311_url: str, client: TestClient, people: People, open311_key: Person, fmt: str
) -> None:
    without_scope = issue_key(client, people.admin, "reports:write")
    cases = {
        "no key": {k: v for k, v in _form(open311_key).items() if k != "api_key"},
        "a wrong key": _form(open311_key, api_key="tk_0000000000_wrong"),
        "a key without open311": _form(without_scope),
    }
    for name, form in cases.items():
        response = _post(f"{open311_url}/requests.{fmt}", data=form)
        assert response.status_code == 403, name
        assert _errors(response, fmt)[0]["code"] in (403, "403"), name


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "9999"}, "category"),
        ({"lat": "", "long": ""}, "lat"),
        ({"lat": "not-a-number"}, "lat"),
        ({"long": ""}, "long"),
        ({"address_string": "火星", "lat": "", "long": ""}, "address"),
        ({"attribute[urgent]": "maybe"}, "urgent"),
    ],
)
def test_bad_requests_get_the_specs_400_and_store_nothing(
    open311_url: str,
    open311_key: Person,
    session: Session,
    fields: dict[str, str],
    fragment: str,
) -> None:
    response = _post(f"{open311_url}/requests.json", data=_form(open311_key, **fields))
    assert response.status_code == 400, response.text
    error = _errors(response, "json")[0]
    assert error["code"] == 400
    assert fragment in error["description"]
    assert session.exec(select(Report)).all() == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_point_outside_the_service_area_is_refused_and_stores_nothing(
    open311_url: str, open311_key: Person, session: Session, fmt: str
) -> None:
    """Nobody answers for a point in no grid and far from every community (Hefei, ~130 km)."""
    form = _form(open311_key, lat="31.8206", long="117.2272")
    response = _post(f"{open311_url}/requests.{fmt}", data=form)
    # The spec's error list has no 422: a refused request is its 400, saying why.
    assert response.status_code == 400, response.text
    assert "service area" in _errors(response, fmt)[0]["description"]
    assert session.exec(select(Report)).all() == []


class _MediaServer:
    """A photo host on loopback that counts how often it is asked."""

    def __init__(self, body: bytes) -> None:
        self.fetches = 0
        media = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                media.fetches += 1
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/photo.jpg"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def media_server() -> Iterator[_MediaServer]:
    media = _MediaServer(make_jpeg(800, 600))
    yield media
    media.server.shutdown()


def test_a_media_url_on_a_private_address_is_refused_by_default(
    open311_url: str, open311_key: Person, media_server: _MediaServer, session: Session
) -> None:
    form = _form(open311_key, media_url=media_server.url)
    response = _post(f"{open311_url}/requests.json", data=form)
    assert response.status_code == 400
    assert "loopback or private" in _errors(response, "json")[0]["description"]
    assert media_server.fetches == 0
    assert session.exec(select(Report)).all() == []


def test_an_allowed_media_url_is_fetched_once_and_kept(
    settings: Settings,
    runtime: Runtime,
    people: People,
    media_server: _MediaServer,
    session: Session,
) -> None:
    allowing = Runtime(
        settings=settings.model_copy(update={"media_fetch_allow_private": True}),
        engine=runtime.engine,
        writer=runtime.writer,
    )
    app = create_app(runtime=allowing)
    with english_client(app) as client, live_server(app) as base_url:
        key = issue_key(client, people.admin, "open311")
        form = _form(key, media_url=media_server.url)
        first = _post(f"{base_url}/open311/v2/requests.json", data=form)
        again = _post(f"{base_url}/open311/v2/requests.json", data=form)
    assert (first.status_code, again.status_code) == (201, 200), first.text
    assert media_server.fetches == 1
    report_id = int(_posted(first, "json")["service_request_id"])
    photos = session.exec(select(ReportPhoto).where(ReportPhoto.report_id == report_id)).all()
    assert [p.width for p in photos] == [800]
