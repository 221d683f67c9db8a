"""Request limits: body size (413) and request rates per address and per account (429)."""

import logging

import anyio.to_thread
import jwt
from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from app.core import rate_windows
from app.core.errors import BodyReadRefused, PayloadTooLarge, TooManyRequests, problem_response
from app.core.messages import Message

log = logging.getLogger("tantou.limits")

RATE_LIMITED_PREFIXES = ("/api/", "/open311/")
# Signed photo links are cheap static reads; a console full of thumbnails must not hit the limit.
UNLIMITED_PREFIXES = ("/api/v1/photos/",)


class BodySizeLimitMiddleware:
    """Refuses a body over `max_bytes`: from Content-Length up front, and while it streams."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await problem_response(self._refusal())(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> ASGIMessage:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyReadRefused(self._refusal())
            return message

        await self.app(scope, counting_receive, send)

    def _refusal(self) -> PayloadTooLarge:
        return PayloadTooLarge(Message("core.body-too-large", max_bytes=self.max_bytes))


class RateLimitMiddleware:
    """Limits API requests per client address and per account, counted in the database (one
    statement per request) so that every process shares the counts."""

    def __init__(
        self, app: ASGIApp, *, engine: Engine, limit_per_minute: int, secret_key: str
    ) -> None:
        self.app = app
        self.engine = engine
        self.limit = limit_per_minute
        self.secret_key = secret_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if not path.startswith(RATE_LIMITED_PREFIXES) or path.startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        keys = [f"addr:{(scope.get('client') or ('-',))[0]}"]
        account = self._account_of(scope)
        if account:
            keys.append(f"acct:{account}")
        if not await anyio.to_thread.run_sync(self._allows, keys):
            refusal = TooManyRequests(Message("core.rate-limited"))
            await problem_response(refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allows(self, keys: list[str]) -> bool:
        try:
            return rate_windows.hit_in_own_transaction(
                self.engine, keys, rate_windows.wall_clock_s(), self.limit
            )
        except Exception:  # a database away for a moment fails the request itself, not here
            log.warning("counting a request against its rate limit failed", exc_info=True)
            return True

    def _account_of(self, scope: Scope) -> str | None:
        auth = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        if not auth.lower().startswith("bearer "):
            return None
        try:
            claims = jwt.decode(auth[7:], self.secret_key, algorithms=["HS256"])
        except jwt.PyJWTError:
            return None
        return str(claims.get("sub"))
