"""Open311 GeoReport v2 at /open311/v2: discovery, services and service requests.

Every answer is in the format the path names (`.json` or `.xml`), errors included: the spec's
list of `code` and `description`, with the HTTP status of the first code (400, 403, 404).
Query parameters are read by hand so that no input can produce an answer in another format.
"""

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from app.categories.models import Category
from app.core.clock import utcnow
from app.core.deps import ReadSession, RuntimeDep, SettingsDep
from app.core.errors import AppError
from app.open311 import posting, service
from app.open311.formats import Format, error_document, render
from app.open311.intake import RequestInvalid
from app.open311.media import MediaRefused
from app.photos.urls import photo_url_signer
from app.reports.models import Report

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
# The spec's codes, plus the HTTP ones a client must tell apart (too large, too many requests).
ERROR_CODES = frozenset({400, 403, 404, 413, 429})
MAX_FORM_FIELDS = 100


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
            except (RequestInvalid, MediaRefused) as error:
                return _error(request, 400, str(error))
            except AppError as error:
                # The spec answers 403 for a missing or invalid api_key, where Tantou says 401.
                code = 403 if error.status == 401 else error.status
                # The spec's clients read English.
                detail = error.detail.render("en")
                return _error(request, code if code in ERROR_CODES else 400, detail)

        return handle


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)
FORMAT_DOC = {"description": "`json` or `xml`"}
FORMATS_CONTENT: dict[str, Any] = {"content": {"application/json": {}, "text/xml": {}}}
OPEN311_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: FORMATS_CONTENT,
    400: {"description": 'bad input: `[{"code": 400, "description": …}]`', **FORMATS_CONTENT},
    403: {"description": "a missing or invalid `api_key`", **FORMATS_CONTENT},
    404: {"description": "no such service, request or format", **FORMATS_CONTENT},
    413: {"description": "the body or its `media` file is over its byte limit", **FORMATS_CONTENT},
    429: {"description": "the `api_key` is over its rate; see `Retry-After`", **FORMATS_CONTENT},
}


def _error(request: Request, code: int, description: str) -> Response:
    response = error_response(request.url.path, code, description)
    if code == 429:
        response.headers["Retry-After"] = "60"
    return response


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
def services(session: ReadSession, fmt: str) -> Response:
    """The categories, as Open311 services."""
    document = [service.service_of(c) for c in service.list_services(session)]
    return render(document, parse_format(fmt), root="services")


@router.get("/services/{code}.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def service_definition(session: ReadSession, code: str, fmt: str) -> Response:
    """The attributes one service's requests may carry."""
    out = parse_format(fmt)
    category = session.get(Category, code[:8])
    if category is None or not category.active:
        raise Open311Error(404, f"No service {code[:20]!r}.")
    return render(service.service_definition(category), out, root="service_definition")


@router.get("/requests.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def list_requests(
    request: Request, session: ReadSession, settings: SettingsDep, fmt: str
) -> Response:
    """Service requests: the last 90 days unless dated, newest first, at most 1000."""
    out = parse_format(fmt)
    query = _request_query(dict(request.query_params))
    reports = service.find_requests(session, query, now=utcnow())
    return _requests_response(request, session, settings.secret_key, reports, out)


@router.get("/requests/{request_id}.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def get_request(
    request: Request, session: ReadSession, settings: SettingsDep, request_id: str, fmt: str
) -> Response:
    """One service request, as a one-element list."""
    out = parse_format(fmt)
    report = session.get(Report, _request_id(request_id))
    if report is None:
        raise Open311Error(404, f"No service request {request_id[:20]!r}.")
    return _requests_response(request, session, settings.secret_key, [report], out)


@router.post(
    "/requests.{fmt}",
    responses=OPEN311_RESPONSES,
    response_class=Response,
    status_code=status.HTTP_201_CREATED,
)
async def create_request(request: Request, runtime: RuntimeDep, fmt: str) -> Response:
    """A new service request: a form body, or multipart with a `media` file. Needs an `api_key`
    with the `open311` scope (in the body or the query). The same request sent again on the
    same day answers 200 with the request already made."""
    out = parse_format(fmt)
    fields, media = await _read_form(request)
    raw_key = fields.pop("api_key", "") or request.query_params.get("api_key", "")
    if not raw_key:
        raise Open311Error(403, "api_key is required to post a service request.")
    if media is not None and len(media) > runtime.settings.max_photo_bytes:
        raise Open311Error(413, f"media: larger than {runtime.settings.max_photo_bytes} bytes.")
    posted = await run_in_threadpool(posting.post_request, runtime, raw_key, fields, media)
    document = [
        {
            "service_request_id": str(posted.report.id),
            "token": posted.token,
            "service_notice": posted.service_notice,
            "account_id": None,
        }
    ]
    code = status.HTTP_201_CREATED if posted.created else status.HTTP_200_OK
    return render(document, out, root="service_requests", status_code=code)


@router.get("/tokens/{token}.{fmt}", responses=OPEN311_RESPONSES, response_class=Response)
def get_token(session: ReadSession, token: str, fmt: str) -> Response:
    """The service request a POST's token stands for."""
    out = parse_format(fmt)
    report = posting.report_of_token(session, token[:64])
    if report is None:
        raise Open311Error(404, f"No token {token[:40]!r}.")
    document = [{"service_request_id": str(report.id), "token": report.client_id}]
    return render(document, out, root="service_requests")


async def _read_form(request: Request) -> tuple[dict[str, str], bytes | None]:
    """The text fields and the `media` file of a form or multipart body."""
    try:
        form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    except HTTPException as exc:
        code = exc.status_code if exc.status_code in ERROR_CODES else 400
        raise Open311Error(code, f"The body is not a readable form: {exc.detail}") from None
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    upload = form.get("media")
    media = await upload.read() if isinstance(upload, UploadFile) else None
    await form.close()
    return fields, media or None


def _requests_response(
    request: Request, session: Session, secret_key: str, reports: list[Report], out: Format
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
