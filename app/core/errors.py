"""Errors that carry their HTTP status, rendered as RFC 9457 problem+json.

Every problem answer, from a route, an exception handler or a middleware, is built by
`problem_response` from an `AppError`; a class fixes the status, title, `type` slug and headers.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:tantou:problem:"
log = logging.getLogger("tantou.errors")


class AppError(Exception):
    """An error the caller can act on; subclasses fix the status, title, slug and headers."""

    status = 400
    title = "Bad request"
    slug: str | None = "bad-request"  # None: `about:blank`, the status says it all

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors

    def headers(self) -> dict[str, str]:
        """The response headers this error always carries."""
        return {}


class Unauthorized(AppError):
    status, title, slug = 401, "Not authenticated", "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class StaffAccountInRiderApp(Forbidden):
    """A coordinator's, admin's or unit's login asked for as a rider (the `rider` scope)."""

    slug = "staff-account-in-rider-app"


class NotFound(AppError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(AppError):
    """409: the state change no longer applies. The subclasses name the conflicts a client
    tells apart; this one is for the rest (duplicates, limits reached, already done)."""

    status, title, slug = 409, "Conflict", "conflict"


class StaleState(Conflict):
    """Someone else changed the report or task first; reload it and decide again."""

    slug = "stale-state"


class TransitionNotAllowed(Conflict):
    """The action does not apply to the status the report or task is in now."""

    slug = "transition-not-allowed"


class ClientIdReused(Conflict):
    """A client_id (idempotency key) sent again with other content; a retry sends the same."""

    slug = "client-id-reused"


class NotEnoughPoints(Conflict):
    """The rider's points balance does not cover the deduction or redemption."""

    slug = "not-enough-points"


class OutOfStock(Conflict):
    """The reward has no items left."""

    slug = "out-of-stock"


class Gone(AppError):
    """410: what was asked for existed and has been deleted for good (a retention period)."""

    status, title, slug = 410, "Gone", "gone"


class PayloadTooLarge(AppError):
    """A request body or one of its files is over its byte limit."""

    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(AppError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class Unprocessable(AppError):
    status, title, slug = 422, "Unprocessable content", "validation"

    @classmethod
    def for_field(cls, field: str, message: str) -> "Unprocessable":
        """A validation error about one input field."""
        return cls(f"{field}: {message}", errors=[{"field": field, "message": message}])


class RetryLater(AppError):
    """An error the same request may overcome after `Retry-After` seconds."""

    default_retry_after_s = 60

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        retry_after_s: int | None = None,
    ) -> None:
        super().__init__(detail, errors=errors)
        self.retry_after_s = self.default_retry_after_s if retry_after_s is None else retry_after_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class TooManyRequests(RetryLater):
    status, title, slug = 429, "Too many requests", "rate-limited"


BUSY_RETRY_AFTER_S = 2


class ServiceUnavailable(RetryLater):
    """The server is at capacity for this work, or its database is busy; the client should
    retry after `Retry-After` (the rider app's outbox does)."""

    status, title, slug = 503, "Service unavailable", "busy"
    default_retry_after_s = BUSY_RETRY_AFTER_S


class InternalError(AppError):
    """A bug on our side; the request id lets the caller quote it."""

    status, title, slug = 500, "Internal server error", "internal"

    def __init__(self, request_id: str) -> None:
        super().__init__(
            f"Something went wrong on our side. Quote request id {request_id} when reporting it."
        )
        self.request_id = request_id

    def headers(self) -> dict[str, str]:
        return {"X-Request-ID": self.request_id}


FRAMEWORK_TITLES = {401: "Not authenticated", 404: "Not found", 405: "Method not allowed"}


class FrameworkError(AppError):
    """An HTTP error raised by the framework (no such route, wrong method, unreadable body)."""

    slug = None

    def __init__(self, exc: StarletteHTTPException) -> None:
        self.status = exc.status_code
        self.title = FRAMEWORK_TITLES.get(exc.status_code, "HTTP error")
        super().__init__(exc.detail if isinstance(exc.detail, str) else self.title)
        self._headers = dict(exc.headers or {})

    def headers(self) -> dict[str, str]:
        return self._headers


class BodyReadRefused(StarletteHTTPException):
    """Carries an AppError out of the body parser, which lets an HTTPException through as it is
    (it turns any other exception into a 400); it is answered as that AppError."""

    def __init__(self, error: AppError) -> None:
        super().__init__(error.status, error.detail)
        self.error = error


def problem_response(error: AppError) -> JSONResponse:
    """The problem+json answer for an error; also an ASGI app, for middlewares to send."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + error.slug if error.slug else "about:blank",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if error.errors is not None:
        body["errors"] = error.errors
    return JSONResponse(
        body, status_code=error.status, media_type=PROBLEM_JSON, headers=error.headers() or None
    )


BUSY_DETAIL = "服务器繁忙，请稍后重试。The server is busy; try again shortly."
# Lock and timeout failures that end well when the same request is sent again a little later:
# PostgreSQL serialization_failure, deadlock_detected, lock_not_available, query_canceled.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked")


def is_database_busy(exc: BaseException) -> bool:
    """Whether a database error means "busy, try again", not a bug."""
    if isinstance(exc, SQLAlchemyTimeoutError):  # no pooled connection came free in time
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return any(message in str(exc.orig) for message in SQLITE_BUSY_MESSAGES)


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or str(location[-1] if location else "")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, expected or not, a problem+json response."""

    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_name(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem_response(Unprocessable(detail, errors=errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, BodyReadRefused):
            return problem_response(exc.error)
        return problem_response(FrameworkError(exc))

    @app.exception_handler(DBAPIError)
    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _database_error(request: Request, exc: Exception) -> JSONResponse:
        if is_database_busy(exc):
            log.warning("database busy, answered 503: %s", exc)
            return problem_response(ServiceUnavailable(BUSY_DETAIL))
        return _internal_error(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _internal_error(request, exc)


def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "-")
    log.error("unhandled error", exc_info=exc, extra={"request_id": request_id})
    return problem_response(InternalError(request_id))
