"""The application: API routers, error handling, limits and the two web apps."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Response
from fastapi.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import handlers as _handlers  # noqa: F401  (wires the domain-event subscribers)
from app.accounts.router import router as accounts_router
from app.apikeys.router import router as apikeys_router
from app.cases.overdue import check_overdue_periodically
from app.cases.router import router as cases_router
from app.categories.router import router as categories_router
from app.core.api_docs import mount_api_docs
from app.core.browser_headers import BrowserHeadersMiddleware, tile_image_source
from app.core.config import Settings
from app.core.errors import install_error_handlers
from app.core.health import router as health_router
from app.core.leases import LeasedJob, process_holder_id
from app.core.limits import BodySizeLimitMiddleware, RateLimitMiddleware
from app.core.messages import Message
from app.core.metrics import MetricsMiddleware, forget_this_process
from app.core.openapi import install_openapi
from app.core.rate_windows import sweep_rate_windows_periodically
from app.core.request_log import RequestLogMiddleware
from app.core.runtime import Runtime
from app.core.static import mount_frontend
from app.core.text_guard import refuse_control_characters
from app.core.utf8_guard import Utf8GuardMiddleware, field_problem
from app.figures.router import router as figures_router
from app.grids.router import router as grids_router
from app.inbox.router import router as inbox_router
from app.maps.router import router as maps_router
from app.metrics.router import router as metrics_router
from app.notices.router import router as notices_router
from app.notifications.router import router as notifications_router
from app.open311.router import error_response as open311_error
from app.open311.router import router as open311_router
from app.photos.intake import close_image_pool, image_pool_of
from app.photos.router import router as photos_router
from app.photos.s3_store import S3Store
from app.photos.storage import photo_store
from app.points.router import router as points_router
from app.points.team_router import router as team_router
from app.presets.router import router as presets_router
from app.privacy.router import router as privacy_router
from app.push.router import router as push_router
from app.push.worker import PushWorker
from app.reports.caller_retention import erase_expired_callers_periodically
from app.reports.original_retention import delete_expired_originals_periodically
from app.reports.photo_redaction import RedactionWorker, redact_waiting_photos_periodically
from app.reports.photo_sweep import sweep_photos_periodically
from app.reports.router import router as reports_router
from app.rewards.router import router as rewards_router
from app.riders.router import router as riders_router
from app.units.router import router as units_router
from app.verifications.router import router as verifications_router
from app.webhooks.router import router as webhooks_router
from app.webhooks.worker import DeliveryWorker

FRONTEND_DIR = Path(__file__).resolve().parents[1] / "frontend"


def api_router() -> APIRouter:
    """Every /api/v1 route."""
    api = APIRouter(prefix="/api/v1", dependencies=[Depends(refuse_control_characters)])
    for router in (
        accounts_router,
        grids_router,
        maps_router,
        categories_router,
        units_router,
        presets_router,
        riders_router,
        privacy_router,
        team_router,
        reports_router,
        photos_router,
        cases_router,
        figures_router,
        notifications_router,
        push_router,
        inbox_router,
        points_router,
        rewards_router,
        notices_router,
        verifications_router,
        apikeys_router,
        webhooks_router,
    ):
        api.include_router(router)
    return api


def not_utf8_refusal(path: str, field: str, message: Message) -> Response:
    """Open311 answers in the spec's error list; everything else as problem+json."""
    if path.startswith(f"{open311_router.prefix}/"):
        return open311_error(path, 400, f"{field}: {message.render('en')}")
    return field_problem(path, field, message)


def leased_jobs(runtime: Runtime) -> list[LeasedJob]:
    """Every periodic job, each run by whichever process holds its lease (app/core/leases.py)."""
    engine, settings = runtime.engine, runtime.settings
    bodies: dict[str, Callable[[], Awaitable[None]]] = {
        "overdue_check": lambda: check_overdue_periodically(engine, settings),
        "photo_sweep": lambda: sweep_photos_periodically(engine, settings),
        "webhook_delivery": lambda: DeliveryWorker(engine, settings).run(),
        "push_delivery": lambda: PushWorker(engine, settings).run(),
        "rate_window_sweep": lambda: sweep_rate_windows_periodically(runtime.writer),
        "caller_retention": lambda: erase_expired_callers_periodically(engine, settings),
        "photo_redaction": lambda: redact_waiting_photos_periodically(runtime),
        "original_retention": lambda: delete_expired_originals_periodically(engine, settings),
    }
    ttl = timedelta(seconds=settings.job_lease_seconds)
    holder = process_holder_id()
    return [LeasedJob(engine, name, body, ttl=ttl, holder=holder) for name, body in bodies.items()]


def background_jobs(runtime: Runtime) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: background jobs (the overdue check, webhook and push deliveries,
    sweeps) run while it serves, each in one process of all, and are cancelled at shutdown;
    every process redacts the photos it takes in."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(image_pool_of(runtime).start)
        redaction = RedactionWorker(runtime)
        redaction.start()
        jobs = [asyncio.create_task(job.run()) for job in leased_jobs(runtime)]
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(redaction.stop)
            for job in jobs:
                job.cancel()
            for job in jobs:
                with suppress(asyncio.CancelledError):
                    await job
            close_image_pool(runtime)
            forget_this_process()

    return lifespan


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app for these settings (or an already opened runtime)."""
    runtime = runtime or Runtime.from_settings(settings or Settings())
    settings = runtime.settings
    app = FastAPI(
        title="探头 Tantou",
        version="0.1.0",
        description="Delivery riders as roving probes for city grid governance.",
        lifespan=background_jobs(runtime),
        docs_url=None,  # app/core/api_docs.py serves /docs from installed files
        redoc_url=None,
    )
    app.state.runtime = runtime
    runtime.readiness_probes["photo store"] = photo_store(settings).check_reachable
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(api_router())
    app.include_router(open311_router, dependencies=[Depends(refuse_control_characters)])
    mount_api_docs(app, FRONTEND_DIR / "docs")
    mount_frontend(app, FRONTEND_DIR)

    # Added last runs first: request ids wrap everything, then metrics, then limits, then the
    # UTF-8 check (inside the size limit, so that it sees only bodies that fit), then compression.
    # Level 6: nearly the size of level 9 for JSON and scripts, at a fraction of the CPU.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(Utf8GuardMiddleware, refusal=not_utf8_refusal)
    if settings.rate_limits:
        app.add_middleware(
            RateLimitMiddleware,
            engine=runtime.writer,
            limit_per_minute=settings.rate_limit_per_minute,
            secret_key=settings.secret_key,
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(BrowserHeadersMiddleware, image_sources=_image_sources(settings))
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestLogMiddleware)
    if settings.trusted_proxies:
        # Outermost, so that limits and logs see the client behind a trusted proxy. Only here:
        # `tantou serve` turns uvicorn's own proxy handling off (it trusts 127.0.0.1).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app


def _image_sources(settings: Settings) -> tuple[str, ...]:
    # Pages may show images from the tile server, and from the object store when photo links
    # redirect there.
    sources = [tile_image_source(settings.map_tile_url)]
    store = photo_store(settings)
    if settings.photo_delivery == "signed_url" and isinstance(store, S3Store):
        sources.append(store.signed_url_origin())
    return tuple(source for source in sources if source)
