"""GET /metrics: the Prometheus exposition, for admins and the configured scraper only."""

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from app.accounts.deps import active_account_of_token, oauth2_scheme
from app.accounts.models import Role
from app.core.deps import ReadSession, RuntimeDep
from app.core.errors import PROBLEM_JSON, Forbidden
from app.core.messages import Message
from app.core.metrics import EXPOSITION_CONTENT_TYPE, exposition
from app.reports.redaction_backlog import RedactionBacklogCollector
from app.webhooks.backlog import DeliveryBacklogCollector

router = APIRouter(tags=["metrics"])

EXPOSITION: dict[str, Any] = {
    "description": "the metrics in the Prometheus text exposition format",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}
# Outside /api/v1, so app/core/openapi.py leaves the auth errors to the route to document.
PROBLEM: dict[str, Any] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid bearer token", "content": PROBLEM},
    403: {"description": "not an admin (nor the scraper's token)", "content": PROBLEM},
}


def metrics_reader(
    session: ReadSession,
    runtime: RuntimeDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> None:
    """A scraper sending TANTOU_METRICS_TOKEN as its bearer token, or an admin's login token."""
    expected = runtime.settings.metrics_token
    if token and expected and hmac.compare_digest(token.encode(), expected.encode()):
        return
    account = active_account_of_token(session, runtime.settings, token)
    if account.role is not Role.ADMIN:
        raise Forbidden(Message("accounts.role-refused"))


@router.get(
    "/metrics",
    dependencies=[Depends(metrics_reader)],
    response_class=Response,
    responses={200: EXPOSITION, **REFUSALS},
)
def metrics(runtime: RuntimeDep) -> Response:
    """Request latencies by route, database pool, open streams, image pool, background jobs
    and the webhook and redaction backlogs (the sum over every worker process in multiprocess
    mode)."""
    backlogs = [DeliveryBacklogCollector(runtime.engine), RedactionBacklogCollector(runtime.engine)]
    body = exposition(backlogs)
    return Response(body, media_type=EXPOSITION_CONTENT_TYPE)
