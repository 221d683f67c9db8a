"""Liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.core.deps import RuntimeDep
from app.core.migrations import is_at_head

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


NOT_READY = {
    "description": "not ready: the database or the photo store is unreachable, or migrations "
    "are pending",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


@router.get("/readyz", response_model=None, responses={503: NOT_READY})
def readyz(runtime: RuntimeDep) -> dict[str, str] | JSONResponse:
    """The database answers, its migrations are at head, and every readiness probe passes."""
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        at_head = is_at_head(runtime.engine, runtime.settings.resolved_database_url)
    except Exception as exc:  # any failure to reach the database means "not ready"
        return JSONResponse(
            {"status": "unavailable", "detail": type(exc).__name__}, status_code=503
        )
    if not at_head:
        return JSONResponse({"status": "unavailable", "detail": "migrations pending"}, 503)
    for name, probe in runtime.readiness_probes.items():
        try:
            probe()
        except Exception as exc:  # whatever the part raises, it is not there to serve
            return JSONResponse(
                {"status": "unavailable", "detail": f"{name}: {type(exc).__name__}"}, 503
            )
    return {"status": "ok"}
