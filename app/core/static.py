"""Serving the rider PWA at /, the console at /console/, the modules both import at /shared/ and
the npm libraries `make build` copies into frontend/vendor/ at /vendor/."""

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# Files the browser must revalidate on every load so that a new version is picked up.
ALWAYS_REVALIDATE = {"sw.js", "index.html", "manifest.webmanifest", ""}


class FrontendFiles(StaticFiles):
    """Static files with caching suited to a service-worker app, and nosniff."""

    async def get_response(self, path: str, scope: Scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        name = Path(path).name
        if name in ALWAYS_REVALIDATE or path.endswith("/"):
            response.headers["Cache-Control"] = "no-cache"
        else:
            response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if name == "sw.js":
            response.headers["Service-Worker-Allowed"] = "/"
        return response


def mount_frontend(app: FastAPI, frontend_dir: Path) -> None:
    """Mount the console, the shared modules and the rider app (the rider app last: it owns `/`)."""
    app.mount("/console", FrontendFiles(directory=frontend_dir / "console", html=True), "console")
    app.mount("/shared", FrontendFiles(directory=frontend_dir / "shared"), "shared")
    # Not checked at start-up: the API serves without a build; maps then answer 404 for Leaflet.
    vendor = FrontendFiles(directory=frontend_dir / "vendor", check_dir=False)
    app.mount("/vendor", vendor, "vendor")
    app.mount("/", FrontendFiles(directory=frontend_dir / "rider", html=True), "rider")
