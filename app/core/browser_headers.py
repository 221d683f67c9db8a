"""Headers that make browsers refuse injected scripts, framing, referrer leaks and caching.

The CSP allows only this origin's own files: both web apps and /docs load every script and
style from files, so an injected `<script>` or `onclick=` never runs. Images may also come from
the map tile server, when one is set. API answers (tokens
among them) are `no-store`, so that no shared or back-button cache keeps them.
"""

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(image_sources: tuple[str, ...] = ()) -> str:
    """The CSP, with `image_sources` (e.g. a tile server) allowed for images."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(["img-src 'self' data: blob:", *image_sources]),
            "connect-src 'self'",
            "font-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def tile_image_source(url_template: str) -> str | None:
    """The CSP source of a tile URL template: its origin, a `{s}` subdomain as `*`
    ('https://t{s}.tianditu.gov.cn/…' -> 'https://*.tianditu.gov.cn')."""
    if not url_template:
        return None
    parts = urlsplit(url_template)
    labels = parts.netloc.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    return f"{parts.scheme}://{'.'.join(labels)}"


NO_STORE_PREFIXES = ("/api/",)


class BrowserHeadersMiddleware:
    """Adds the CSP, anti-framing, referrer and nosniff headers; no-store on API answers."""

    def __init__(self, app: ASGIApp, image_sources: tuple[str, ...] = ()) -> None:
        self.app = app
        self.policy = content_security_policy(image_sources)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = scope["path"].startswith(NO_STORE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.policy
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Content-Type-Options"] = "nosniff"
                # Signed photo links set their own (private, immutable) caching.
                if no_store and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
