"""The OpenAPI document, with every error answer documented once for all operations.

Routes document their successes (and a description for an error where it helps); this module
adds the problem+json answers that any operation can give, so that integrators (and the fuzz
tests) can rely on the status codes and content types the schema lists.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.core.errors import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "`urn:tantou:problem:<slug>` or `about:blank`"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "one entry per input field at fault",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

# What any /api/v1 operation can answer: from the auth dependencies, the load-or-404 helpers,
# the state machines, the body limit, the media checks, validation and the rate limiter.
API_ERRORS: dict[int, str] = {
    400: "the body could not be read",
    401: "no valid bearer token",
    403: "outside the caller's rights",
    404: "no such resource, or one the caller may not know exists",
    409: "conflicts with the resource's current state; `type` names the conflict",
    413: "the request is over its byte limit",
    415: "a media type the operation does not take",
    422: "invalid input; `errors` names each field",
    429: "too many requests; retry after `Retry-After` seconds",
    503: "the server is busy; retry after `Retry-After` seconds",
}
# Answered by middleware before any route, so every path can give them.
MIDDLEWARE_ERRORS = (413, 429, 503)
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _with_problem(answer: dict[str, Any], default_description: str) -> dict[str, Any]:
    """The route's own answer for a status (if any), which may also be a problem+json."""
    content = dict(answer.get("content", {}))
    if answer.get("description") == "Validation Error":  # FastAPI's own 422 model
        answer, content = {}, {}
    content[PROBLEM_JSON] = {"schema": PROBLEM_REF}
    return {
        **answer,
        "description": answer.get("description") or default_description,
        "content": content,
    }


def document_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Add the problem+json answers to every operation (replacing FastAPI's 422 model)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in document.get("paths", {}).items():
        own_api = path.startswith("/api/")
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, default in API_ERRORS.items():
                key = str(status)
                if not own_api and status not in MIDDLEWARE_ERRORS and status != 422:
                    continue  # Open311 documents its own error format
                responses[key] = _with_problem(responses.get(key, {}), default)
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the post-processed document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = document_errors(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
