"""Errors that carry their HTTP status, rendered as RFC 9457 problem+json."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("tantou.errors")


class AppError(Exception):
    """An error the caller can act on; subclasses fix the status and title."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


class Unauthorized(AppError):
    status, title, slug = 401, "Not authenticated", "unauthorized"


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    status, title, slug = 404, "Not found", "not-found"


class Conflict(AppError):
    status, title, slug = 409, "Conflict", "conflict"


class PayloadTooLarge(AppError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(AppError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


class Unprocessable(AppError):
    status, title, slug = 422, "Unprocessable content", "validation"

    @classmethod
    def for_field(cls, field: str, message: str) -> "Unprocessable":
        """A validation error about one input field."""
        return cls(f"{field}: {message}", errors=[{"field": field, "message": message}])


class TooManyRequests(AppError):
    status, title, slug = 429, "Too many requests", "rate-limited"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        retry_after_s: int = 60,
    ) -> None:
        super().__init__(detail, errors=errors)
        self.retry_after_s = retry_after_s


BUSY_RETRY_AFTER_S = 2


class ServiceUnavailable(AppError):
    """The server is at capacity for this work, or its database is busy; the client should
    retry after `Retry-After` (the rider app's outbox does)."""

    status, title, slug = 503, "Service unavailable", "busy"

    def __init__(self, detail: str, *, retry_after_s: int = BUSY_RETRY_AFTER_S) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


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


def busy_response() -> JSONResponse:
    busy = ServiceUnavailable(BUSY_DETAIL)
    return problem_response(
        busy.status,
        busy.title,
        busy.detail,
        slug=busy.slug,
        headers={"Retry-After": str(busy.retry_after_s)},
    )


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    slug: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": f"urn:tantou:problem:{slug}" if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or str(location[-1] if location else "")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, expected or not, a problem+json response."""

    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        headers = None
        if isinstance(exc, TooManyRequests | ServiceUnavailable):
            headers = {"Retry-After": str(exc.retry_after_s)}
        if isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": "Bearer"}
        return problem_response(
            exc.status, exc.title, exc.detail, slug=exc.slug, errors=exc.errors, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_name(tuple(e.get("loc", ()))), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem_response(
            422, "Unprocessable content", detail, slug="validation", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Not authenticated"}
        title = titles.get(exc.status_code, "HTTP error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem_response(
            exc.status_code, title, detail, headers=dict(exc.headers) if exc.headers else None
        )

    @app.exception_handler(DBAPIError)
    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _database_error(request: Request, exc: Exception) -> JSONResponse:
        if is_database_busy(exc):
            log.warning("database busy, answered 503: %s", exc)
            return busy_response()
        return _internal_error(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _internal_error(request, exc)


def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "-")
    log.error("unhandled error", exc_info=exc, extra={"request_id": request_id})
    return problem_response(
        500,
        "Internal server error",
        f"Something went wrong on our side. Quote request id {request_id} when reporting it.",
        slug="internal",
        headers={"X-Request-ID": request_id},
    )
