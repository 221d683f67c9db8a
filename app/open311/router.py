"""Open311 GeoReport v2 at /open311/v2: discovery, services and service requests.

Every answer is in the format the path names (`.json` or `.xml`), errors included: the spec's
list of `code` and `description`, with the HTTP status of the first code (400, 403, 404).
Query parameters are read by hand so that no input can produce an answer in another format.
"""

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from app.categories.models import Category
from app.core.clock import utcnow
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import AppError
from app.open311 import service
from app.open311.formats import Format, error_document, render
from app.photos.urls import photo_url_signer
from app.reports.models import Report

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
ERROR_CODES = frozenset({400, 403, 404})


class Open311Error(Exception):
    """An error answered in the spec's format."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


class Open311Route(APIRoute):
    """Turns every error of an Open311 operation into the spec's error list, in its format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Open311Error as error:
                return _error(request, error.code, error.description)
            except AppError as error:
                code = error.status if error.status in ERROR_CODES else 400
                return _error(request, code, error.detail)

        return handle


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)
FORMAT_DOC = {"description": "`json` or `xml`"}
FORMATS_CONTENT: dict[str, Any] = {"content": {"application/json": {}, "text/xml": {}}}
OPEN311_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: FORMATS_CONTENT,
    400: {"description": 'bad input: `[{"code": 400, "description": …}]`', **FORMATS_CONTENT},
    403: {"description": "a missing or invalid `api_key`", **FORMATS_CONTENT},
    404: {"description": "no such service, request or format", **FORMATS_CONTENT},
}


def _error(request: Request, code: int, description: str) -> Response:
    return error_response(request.url.path, code, description)


def error_response(path: str, code: int, description: str) -> Response:
    """The spec's error list, in the format the path names."""
    fmt = Format.XML if path.endswith(".xml") else Format.JSON
    return render(error_document(code, description), fmt, root="errors", status_code=code)


def parse_format(fmt: str) -> Format:
    """The format a path names; 404 for any other."""
    try:
        return Format(fmt)
    except ValueError:
        raise Open311Error(404, f"Unknown format {fmt[:20]!r}: use .json or .xml.") from None


@router.get("/discovery.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def discovery(request: Request, fmt: str) -> Response:
    """Where this endpoint is and what it speaks."""
    base = str(request.base_url).rstrip("/") + router.prefix
    changeset = "2026-12-02T00:00:00+00:00"
    document = {
        "changeset": changeset,
        "contact": "探头 Tantou grid governance; see /docs",
        "key_service": "API keys with the open311 scope are issued by the city's administrators",
        "endpoints": [
            {
                "specification": service.SPECIFICATION_URL,
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return render(document, parse_format(fmt), root="discovery")


@router.get("/services.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def services(session: SessionDep, fmt: str) -> Response:
    """The categories, as Open311 services."""
    document = [service.service_of(c) for c in service.list_services(session)]
    return render(document, parse_format(fmt), root="services")


@router.get("/services/{code}.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def service_definition(session: SessionDep, code: str, fmt: str) -> Response:
    """The attributes one service's requests may carry."""
    out = parse_format(fmt)
    category = session.get(Category, code[:8])
    if category is None or not category.active:
        raise Open311Error(404, f"No service {code[:20]!r}.")
    return render(service.service_definition(category), out, root="service_definition")


@router.get("/requests.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def list_requests(
    request: Request, session: SessionDep, settings: SettingsDep, fmt: str
) -> Response:
    """Service requests: the last 90 days unless dated, newest first, at most 1000."""
    out = parse_format(fmt)
    query = _request_query(dict(request.query_params))
    reports = service.find_requests(session, query, now=utcnow())
    return _requests_response(request, session, settings.secret_key, reports, out)


@router.get("/requests/{request_id}.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def get_request(
    request: Request, session: SessionDep, settings: SettingsDep, request_id: str, fmt: str
) -> Response:
    """One service request, as a one-element list."""
    out = parse_format(fmt)
    report = session.get(Report, _request_id(request_id))
    if report is None:
        raise Open311Error(404, f"No service request {request_id[:20]!r}.")
    return _requests_response(request, session, settings.secret_key, [report], out)


def _requests_response(
    request: Request, session: SessionDep, secret_key: str, reports: list[Report], out: Format
) -> Response:
    base = str(request.base_url).rstrip("/")
    sign = photo_url_signer(secret_key)
    document = service.present_requests(session, reports, media_url=lambda key: base + sign(key))
    return render(document, out, root="service_requests")


def _request_query(params: dict[str, str]) -> service.RequestQuery:
    ids = _list_param(params, "service_request_id")
    start = _date_param(params, "start_date")
    end = _date_param(params, "end_date")
    if start and end:
        if end <= start:
            raise Open311Error(400, "end_date must be after start_date.")
        if end - start > service.DEFAULT_WINDOW:
            raise Open311Error(400, "start_date to end_date may not span more than 90 days.")
    statuses = set(_list_param(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status is open, closed or both (comma separated).")
    return service.RequestQuery(
        ids=[_request_id(i) for i in ids],
        service_codes=[code[:8] for code in _list_param(params, "service_code")],
        start=start,
        end=end,
        statuses=frozenset(service.statuses_for(statuses)),
    )


def _list_param(params: dict[str, str], name: str) -> list[str]:
    value = params.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) > service.MAX_REQUESTS:
        raise Open311Error(400, f"{name}: at most {service.MAX_REQUESTS} values.")
    return items


def _request_id(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise Open311Error(404, f"No service request {raw[:20]!r}.")
    return int(raw)


def _date_param(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Open311Error(400, f"{name}: a W3C date-time such as 2026-01-01T00:00:00Z.") from None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise Open311Error(400, f"{name}: between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return value if value.tzinfo else value.replace(tzinfo=UTC)
