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
# A CSP or frame policy binds only the document or worker it arrives with; on a stylesheet, an
# image or a module a page imports it is ignored. Sending it anyway cost ~350 bytes on each of
# the ~100 requests of the rider app's first load (page and precache), a fifth of its budget.
SUBRESOURCE_TYPES = (
    "text/css",
    "image/",
    "application/manifest+json",
    "text/javascript",
    "application/javascript",
)
WORKER_SCRIPTS = frozenset({"/sw.js"})


def is_subresource(path: str, content_type: str) -> bool:
    """A file that only a document or worker loads, never one that is a document or worker."""
    return content_type.startswith(SUBRESOURCE_TYPES) and path not in WORKER_SCRIPTS


class BrowserHeadersMiddleware:
    """Adds the CSP and anti-framing headers to documents and workers, the referrer and nosniff
    headers to everything, and no-store to API answers."""

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
                if not is_subresource(scope["path"], headers.get("content-type", "")):
                    headers["Content-Security-Policy"] = self.policy
                    headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Content-Type-Options"] = "nosniff"
                # Signed photo links set their own (private, immutable) caching.
                if no_store and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
