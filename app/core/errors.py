"""Errors that carry their HTTP status, rendered as RFC 9457 problem+json.

Every problem answer, from a route, an exception handler or a middleware, is built by
`problem_response` from an `AppError`; a class fixes the status, title, `type` slug and headers.
Titles, details and field messages are catalogue `Message`s (app/core/messages.py), written in
the language of the request the answer goes to.
"""

import logging
from typing import Any, Self

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from app.core.messages import DEFAULT_LANGUAGE, Language, Message, negotiate
from app.core.validation_messages import pydantic_message

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:tantou:problem:"
log = logging.getLogger("tantou.errors")


FieldError = tuple[str, Message]  # (field, what is wrong with it)


class AppError(Exception):
    """An error the caller can act on; subclasses fix the status, title, slug and headers."""

    status = 400
    title = Message("title.bad-request")
    slug: str | None = "bad-request"  # None: `about:blank`, the status says it all

    def __init__(self, detail: Message, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail.render("en"))
        self.detail = detail
        self.errors = errors

    @classmethod
    def for_field(cls, field: str, message: Message) -> Self:
        """An error about one input field."""
        return cls(
            Message("core.field-problem", field=field, problem=message), errors=[(field, message)]
        )

    def headers(self) -> dict[str, str]:
        """The response headers this error always carries."""
        return {}


class Unauthorized(AppError):
    status, title, slug = 401, Message("title.unauthorized"), "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    status, title, slug = 403, Message("title.forbidden"), "forbidden"


class NotFound(AppError):
    status, title, slug = 404, Message("title.not-found"), "not-found"


class Conflict(AppError):
    """409: the state change no longer applies. The subclasses name the conflicts a client
    tells apart; this one is for the rest (duplicates, limits reached, already done)."""

    status, title, slug = 409, Message("title.conflict"), "conflict"


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

    status, title, slug = 410, Message("title.gone"), "gone"


class PayloadTooLarge(AppError):
    """A request body or one of its files is over its byte limit."""

    status, title, slug = 413, Message("title.payload-too-large"), "payload-too-large"


class UnsupportedMediaType(AppError):
    status, title, slug = 415, Message("title.unsupported-media-type"), "unsupported-media-type"


class Unprocessable(AppError):
    status, title, slug = 422, Message("title.validation"), "validation"


class RetryLater(AppError):
    """An error the same request may overcome after `Retry-After` seconds."""

    default_retry_after_s = 60

    def __init__(
        self,
        detail: Message,
        *,
        errors: list[FieldError] | None = None,
        retry_after_s: int | None = None,
    ) -> None:
        super().__init__(detail, errors=errors)
        self.retry_after_s = self.default_retry_after_s if retry_after_s is None else retry_after_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class TooManyRequests(RetryLater):
    status, title, slug = 429, Message("title.rate-limited"), "rate-limited"


BUSY_RETRY_AFTER_S = 2


class ServiceUnavailable(RetryLater):
    """The server is at capacity for this work, or its database is busy; the client should
    retry after `Retry-After` (the rider app's outbox does)."""

    status, title, slug = 503, Message("title.busy"), "busy"
    default_retry_after_s = BUSY_RETRY_AFTER_S


class InternalError(AppError):
    """A bug on our side; the request id lets the caller quote it."""

    status, title, slug = 500, Message("title.internal"), "internal"

    def __init__(self, request_id: str) -> None:
        super().__init__(Message("core.internal", request_id=request_id))
        self.request_id = request_id

    def headers(self) -> dict[str, str]:
        return {"X-Request-ID": self.request_id}


# The framework's own errors, worded by status; its English details are not shown.
FRAMEWORK_MESSAGES = {
    400: (Message("title.bad-request"), Message("core.unreadable-request")),
    401: (Message("title.unauthorized"), Message("core.unauthorized")),
    404: (Message("title.not-found"), Message("core.no-such-path")),
    405: (Message("title.method-not-allowed"), Message("core.method-not-allowed")),
}
OTHER_FRAMEWORK_ERROR = (Message("title.http-error"), Message("core.http-error"))


class FrameworkError(AppError):
    """An HTTP error raised by the framework (no such route, wrong method, unreadable body)."""

    slug = None

    def __init__(self, exc: StarletteHTTPException) -> None:
        self.status = exc.status_code
        self.title, detail = FRAMEWORK_MESSAGES.get(exc.status_code, OTHER_FRAMEWORK_ERROR)
        super().__init__(detail)
        self._headers = dict(exc.headers or {})

    def headers(self) -> dict[str, str]:
        return self._headers


class BodyReadRefused(StarletteHTTPException):
    """Carries an AppError out of the body parser, which lets an HTTPException through as it is
    (it turns any other exception into a 400); it is answered as that AppError."""

    def __init__(self, error: AppError) -> None:
        super().__init__(error.status, str(error))
        self.error = error


def problem_body(error: AppError, language: Language) -> dict[str, Any]:
    """The problem+json document of an error, worded in `language`."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + error.slug if error.slug else "about:blank",
        "title": error.title.render(language),
        "status": error.status,
        "detail": error.detail.render(language),
    }
    if error.errors is not None:
        body["errors"] = [
            {"field": field, "message": message.render(language)} for field, message in error.errors
        ]
    return body


class ProblemResponse(JSONResponse):
    """A problem+json answer written, when it is sent, in the language of the request it
    answers (its `Accept-Language`), so that middlewares and handlers need not pass one."""

    def __init__(self, error: AppError) -> None:
        self.error = error
        self.language = DEFAULT_LANGUAGE
        super().__init__(
            problem_body(error, self.language),
            status_code=error.status,
            media_type=PROBLEM_JSON,
            headers=self._headers_for(self.language),
        )

    def _headers_for(self, language: Language) -> dict[str, str]:
        return {**self.error.headers(), "Content-Language": language, "Vary": "Accept-Language"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        language = negotiate(Headers(scope=scope).get("accept-language"))
        if language != self.language:
            self.language = language
            self.body = self.render(problem_body(self.error, language))
            self.init_headers(self._headers_for(language))
        await super().__call__(scope, receive, send)


def problem_response(error: AppError) -> ProblemResponse:
    """The problem+json answer for an error; also an ASGI app, for middlewares to send."""
    return ProblemResponse(error)


BUSY_DETAIL = Message("core.busy")
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
        errors = [(_field_name(tuple(e.get("loc", ()))), pydantic_message(e)) for e in exc.errors()]
        details = [Message("core.field-problem", field=f, problem=m) for f, m in errors]
        detail = details[0]
        for more in details[1:]:
            detail = Message("core.and-more", first=detail, rest=more)
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
