"""Request limits: body size (413) and request rates per address and per account (429)."""

import threading
import time
from collections import defaultdict

import jwt
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import BodyReadRefused, PayloadTooLarge, TooManyRequests, problem_response

RATE_LIMITED_PREFIXES = ("/api/", "/open311/")
# The clock of the rate windows (a name of its own, so that tests can hold it still).
monotonic_s = time.monotonic
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

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyReadRefused(self._refusal())
            return message

        await self.app(scope, counting_receive, send)

    def _refusal(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"The request body is larger than {self.max_bytes} bytes.")


class SlidingWindowCounter:
    """Counts events per key in the current and previous minute (a sliding-window estimate)."""

    def __init__(self, limit_per_minute: int) -> None:
        self.limit = limit_per_minute
        self._counts: dict[tuple[str, int], int] = defaultdict(int)
        self._lock = threading.Lock()

    def hit(self, key: str, now_s: float, *, limit: int | None = None) -> bool:
        """Record one event; False when the key is over its limit (or the one given)."""
        minute = int(now_s // 60)
        weight_previous = 1 - (now_s % 60) / 60
        with self._lock:
            if len(self._counts) > 100_000:
                self._forget_before(minute - 1)
            estimate = self._counts[(key, minute)] + weight_previous * self._counts.get(
                (key, minute - 1), 0
            )
            if estimate >= (self.limit if limit is None else limit):
                return False
            self._counts[(key, minute)] += 1
            return True

    def _forget_before(self, minute: int) -> None:
        for stale in [k for k in self._counts if k[1] < minute]:
            del self._counts[stale]


class RateLimitMiddleware:
    """Limits API requests per client address and per account, in this process."""

    def __init__(self, app: ASGIApp, *, limit_per_minute: int, secret_key: str) -> None:
        self.app = app
        self.counter = SlidingWindowCounter(limit_per_minute)
        self.secret_key = secret_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if not path.startswith(RATE_LIMITED_PREFIXES) or path.startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        now_s = monotonic_s()
        keys = [f"addr:{(scope.get('client') or ('-',))[0]}"]
        account = self._account_of(scope)
        if account:
            keys.append(f"acct:{account}")
        if not all(self.counter.hit(key, now_s) for key in keys):
            refusal = TooManyRequests("Slow down and try again in a minute.")
            await problem_response(refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _account_of(self, scope: Scope) -> str | None:
        auth = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        if not auth.lower().startswith("bearer "):
            return None
        try:
            claims = jwt.decode(auth[7:], self.secret_key, algorithms=["HS256"])
        except jwt.PyJWTError:
            return None
        return str(claims.get("sub"))
