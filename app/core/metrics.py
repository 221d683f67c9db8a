"""Prometheus metrics of the process: requests, database pool, streams, image pool and jobs.

The metrics live in prometheus-client's default registry. With several worker processes, set
PROMETHEUS_MULTIPROC_DIR (before the processes start) to a directory of their own: every
process then writes its values there and a scrape, answered by any one of them, adds them up.
Gauges of work in progress count live processes only ("livesum"): a process that stops
cleanly forgets its own (`forget_this_process`), and `clear_multiprocess_dir` removes an
earlier run's files before a server starts.
"""

import os
import time
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from fastapi.routing import iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
EXPOSITION_CONTENT_TYPE = CONTENT_TYPE_LATEST
# Around the aims: lists within 15 ms, figures within 50 ms; streams stay open for hours.
LATENCY_BUCKETS_S = (0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
JOB_BUCKETS_S = (0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
# Anything else a client sends as a method is counted as "other", so labels stay few.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"

REQUEST_DURATION = Histogram(
    "tantou_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS_S,
)
REQUESTS_IN_PROGRESS = Gauge(
    "tantou_http_requests_in_progress",
    "Requests being answered now.",
    ["method"],
    multiprocess_mode="livesum",
)
DB_CONNECTIONS_CHECKED_OUT = Gauge(
    "tantou_db_connections_checked_out",
    "Database connections taken from the pool and not yet given back.",
    multiprocess_mode="livesum",
)
DB_CHECKOUTS = Counter("tantou_db_checkouts", "Connections taken from the database pool.")
OPEN_STREAMS = Gauge(
    "tantou_event_streams_open",
    "Report event streams (server-sent events) open now.",
    multiprocess_mode="livesum",
)
IMAGE_ADMISSIONS = Counter(
    "tantou_image_admissions",
    "Requests asking the image pool for a place: admitted, or refused with 503.",
    ["outcome"],
)
IMAGE_REQUESTS_ADMITTED = Gauge(
    "tantou_image_requests_admitted",
    "Requests holding a place in the image pool (being worked on or queued).",
    multiprocess_mode="livesum",
)
IMAGE_PHOTOS_PENDING = Gauge(
    "tantou_image_photos_pending",
    "Photos handed to the image workers and not finished yet (being processed or queued).",
    multiprocess_mode="livesum",
)
JOB_RUNS = Counter(
    "tantou_job_runs", "Runs of background jobs, by job and outcome.", ["job", "outcome"]
)
JOB_DURATION = Histogram(
    "tantou_job_duration_seconds", "Time one run of a job took.", ["job"], buckets=JOB_BUCKETS_S
)

P = ParamSpec("P")
R = TypeVar("R")


def measured_job(job: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Count each run of the decorated function as a run of `job` (`ok`, or `error` when it
    raises) and time it."""

    def decorate(run: Callable[P, R]) -> Callable[P, R]:
        @wraps(run)
        def measured(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            outcome = "error"
            try:
                result = run(*args, **kwargs)
                outcome = "ok"
                return result
            finally:
                JOB_DURATION.labels(job).observe(time.perf_counter() - started)
                JOB_RUNS.labels(job, outcome).inc()

        return measured

    return decorate


def track_pool_checkouts(engine: Engine) -> None:
    """Count the connections `engine`'s pool hands out and has out at any moment."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(*_args: Any) -> None:
        DB_CHECKOUTS.inc()
        DB_CONNECTIONS_CHECKED_OUT.inc()

    @event.listens_for(engine, "checkin")
    def _on_checkin(*_args: Any) -> None:
        DB_CONNECTIONS_CHECKED_OUT.dec()


class RouteTemplates:
    """The template of the route a request matched, as written with the prefixes of the
    routers that include it (`/api/v1/reports/{report_id}`), never the raw path: label values
    stay as few as the routes. (The matched route knows only its path within its router.)"""

    def __init__(self) -> None:
        self._by_route: dict[int, str] = {}

    def of(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:
            return UNMATCHED_ROUTE
        template = self._by_route.get(id(route))
        if template is None:  # the first request of this route: learn the app's routes
            self._by_route = {}
            for context in iter_route_contexts(scope["app"].routes):
                if context.path_format:
                    self._by_route.setdefault(id(context.original_route), context.path_format)
            template = self._by_route.setdefault(id(route), UNMATCHED_ROUTE)
        return template


class MetricsMiddleware:
    """Times every HTTP request by route template, method and status class."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates = RouteTemplates()
        # The labelled children, kept: `labels()` costs more than the observation itself.
        self._in_progress: dict[str, Gauge] = {}
        self._durations: dict[tuple[str, str, str], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        in_progress = self._in_progress.get(method)
        if in_progress is None:
            in_progress = self._in_progress[method] = REQUESTS_IN_PROGRESS.labels(method)
        in_progress.inc()
        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            in_progress.dec()
            self._duration_of(self._templates.of(scope), method, status).observe(
                time.perf_counter() - started
            )

    def _duration_of(self, route: str, method: str, status: int) -> Histogram:
        key = (route, method, f"{status // 100}xx")
        duration = self._durations.get(key)
        if duration is None:
            duration = self._durations[key] = REQUEST_DURATION.labels(*key)
        return duration


def exposition(scrape_time_collectors: Iterable[Collector] = ()) -> bytes:
    """The text exposition of this process's metrics (of every process in multiprocess mode),
    followed by collectors that read their values at scrape time (from the database)."""
    if multiprocess_dir() is None:
        registry = REGISTRY
    else:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    scraped = CollectorRegistry()
    for collector in scrape_time_collectors:
        scraped.register(collector)
    return generate_latest(registry) + generate_latest(scraped)


def multiprocess_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_DIR_VARIABLE)
    return Path(value) if value else None


def clear_multiprocess_dir() -> None:
    """Remove the metric files of an earlier run from the multiprocess directory before a
    server starts: they would be added to this run's figures. Other files are left alone."""
    directory = multiprocess_dir()
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob("*.db"):
        leftover.unlink(missing_ok=True)


def forget_this_process() -> None:
    """At a clean stop, drop this process's in-progress gauges from the multiprocess figures."""
    directory = multiprocess_dir()
    if directory is not None:
        multiprocess.mark_process_dead(os.getpid(), str(directory))  # type: ignore[no-untyped-call]
