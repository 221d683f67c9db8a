"""/docs: Swagger UI from the files of a pinned package, never a CDN (see pyproject.toml).

FastAPI's own /docs page loads a floating version from a CDN and starts it with an inline
script, which the CSP forbids; this page loads the installed files and a start-up script.
"""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from swagger_ui_bundle import swagger_ui_path

from app.core.static import FrontendFiles


def mount_api_docs(app: FastAPI, docs_dir: Path) -> None:
    """Serve the docs page at /docs, Swagger UI's files under /docs/ui/ (before the rider app)."""

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> FileResponse:
        return FileResponse(docs_dir / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/docs/ui", FrontendFiles(directory=Path(str(swagger_ui_path))), "swagger-ui")
    app.mount("/docs", FrontendFiles(directory=docs_dir), "docs")
