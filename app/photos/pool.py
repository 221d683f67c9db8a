"""One bounded pool of worker processes for all image work of the process.

Decoding runs in worker processes, so a decode's memory is returned to the system when it ends
(and when a worker is replaced), not kept by the server; and the number of decodes at once is
the number of workers, whatever arrives. Requests beyond the workers and a short queue are
refused with 503 at once instead of waiting in an unbounded queue.
"""

import ctypes
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from functools import partial
from typing import TypeVar

from app.core.errors import ServiceUnavailable
from app.core.messages import Message
from app.core.metrics import IMAGE_ADMISSIONS, IMAGE_PHOTOS_PENDING, IMAGE_REQUESTS_ADMITTED
from app.photos.detectors import Box
from app.photos.pipeline import (
    PhotoError,
    PixelLimits,
    ProcessedPhoto,
    RedactedCopies,
    pixelate_stored_display,
    process_photo,
    redact_stored_display,
)

log = logging.getLogger("tantou.image_pool")
BUSY_MESSAGE = Message("photos.busy")
Result = TypeVar("Result")


class TimedOut(PhotoError):
    """The photo's image work did not finish in time (a hung decoder or detector)."""


class ImagePool:
    """Worker processes for image work, and admission of the requests that may use them."""

    def __init__(
        self, *, workers: int, queue: int, tasks_per_worker: int, retry_after_s: int
    ) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._tasks_per_worker = tasks_per_worker
        self._retry_after_s = retry_after_s
        # A request holds one admission for all its photos: workers busy plus a short queue.
        self._admissions = threading.BoundedSemaphore(self.workers + queue)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        # Requests' image work in progress, so that background work can let it go first.
        self._requests = 0
        self._quiet = threading.Condition()

    @contextmanager
    def admitted(self, *, background: bool = False) -> Iterator[None]:
        """Hold a place for one request's image work (or background work, which requests do
        not wait for); 503 with Retry-After when none is free."""
        if not self._admissions.acquire(blocking=False):
            IMAGE_ADMISSIONS.labels("refused").inc()
            raise ServiceUnavailable(BUSY_MESSAGE, retry_after_s=self._retry_after_s)
        IMAGE_ADMISSIONS.labels("admitted").inc()
        self._count_request(0 if background else 1)
        try:
            with IMAGE_REQUESTS_ADMITTED.track_inprogress():
                yield
        finally:
            self._count_request(0 if background else -1)
            self._admissions.release()

    def wait_until_no_request(self, timeout_s: float) -> bool:
        """Wait (at most `timeout_s`) until no request's image work is in progress, so that
        background work starts behind the uploads in flight; whether none is."""
        with self._quiet:
            return self._quiet.wait_for(lambda: self._requests == 0, timeout_s)

    def _count_request(self, change: int) -> None:
        if change:
            with self._quiet:
                self._requests += change
                if not self._requests:
                    self._quiet.notify_all()

    def process(
        self, photos: Sequence[bytes], limits: PixelLimits, *, redact: bool = True
    ) -> list[ProcessedPhoto | PhotoError]:
        """Process one request's photos in the workers (redacted when `redact`): each one's
        result or its refusal."""
        return self.run(partial(process_photo, limits=limits, redact=redact), photos)

    def redact_stored(
        self, displays: Sequence[bytes], limits: PixelLimits, *, timeout_s: float
    ) -> list[RedactedCopies | PhotoError]:
        """Redact display copies stored unredacted, in the workers (background work): each one's
        copies or error; those not done within `timeout_s` time out and their workers are
        stopped (a hung detector must not hold a core for ever)."""
        task = partial(redact_stored_display, limits=limits)
        return self.run(task, displays, background=True, timeout_s=timeout_s)

    def pixelate_stored(
        self, display: bytes, boxes: tuple[Box, ...], limits: PixelLimits
    ) -> RedactedCopies | PhotoError:
        """Pixelate these boxes in a served display copy too, in a worker."""
        [outcome] = self.run(
            partial(pixelate_stored_display, boxes=boxes, limits=limits), [display]
        )
        return outcome

    def run(
        self,
        task: Callable[[bytes], Result],
        inputs: Sequence[bytes],
        *,
        background: bool = False,
        timeout_s: float | None = None,
    ) -> list[Result | PhotoError]:
        """Run `task` (a module-level function, so that it pickles) on each input in the
        workers: each one's result, its refusal, or TimedOut past `timeout_s`."""
        with self.admitted(background=background):
            executor = self._running_executor()
            try:
                futures = [_submit_counted(executor, task, data) for data in inputs]
                # Wait for all, even after a refusal: an admission covers work still running.
                _done, late = wait(futures, timeout=timeout_s)
                if late:
                    self._stop_hung(executor)
                # A refusal is the photo's outcome; any other error (BrokenProcessPool too) raises.
                outcomes: list[Result | PhotoError] = [
                    TimedOut(Message("photos.timed-out", seconds=f"{timeout_s:g}"))
                    if future in late
                    else error
                    if isinstance(error := future.exception(), PhotoError)
                    else future.result()
                    for future in futures
                ]
            except BrokenProcessPool:
                # A worker died (killed, or a decoder crashed): start afresh for the next request.
                self._replace(executor)
                raise ServiceUnavailable(BUSY_MESSAGE, retry_after_s=self._retry_after_s) from None
        return outcomes

    def start(self) -> None:
        """Start the fork server and a first worker now, so that the first photo does not wait."""
        self._running_executor().submit(int).result()

    def shutdown(self) -> None:
        """Stop the workers (they are started again if more work comes)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _running_executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=_worker_context(),
                    max_tasks_per_child=self._tasks_per_worker,
                )
            return self._executor

    def _stop_hung(self, executor: ProcessPoolExecutor) -> None:
        # No running task can be cancelled: the workers are killed, and the next work starts a
        # fresh executor. Work of other requests on them fails with BrokenProcessPool (a 503).
        workers = list((getattr(executor, "_processes", None) or {}).values())  # before shutdown
        self._replace(executor)
        for process in workers:
            with suppress(ProcessLookupError):
                process.kill()
        log.error("image work timed out: its workers were stopped")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)


def _submit_counted(
    executor: ProcessPoolExecutor, task: Callable[[bytes], Result], data: bytes
) -> Future[Result]:
    future = executor.submit(run_in_worker, task, data)
    IMAGE_PHOTOS_PENDING.inc()
    future.add_done_callback(lambda _done: IMAGE_PHOTOS_PENDING.dec())
    return future


def _worker_context() -> multiprocessing.context.BaseContext:
    # A fork server that has imported the pipeline once: workers start (and are replaced) in
    # milliseconds, without inheriting the server's threads or memory as a plain fork would.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["app.photos.pool"])
    return context


def run_in_worker(task: Callable[[bytes], Result], data: bytes) -> Result:
    """Run in a worker: one photo's image work, then give the decode's memory back to the
    system."""
    outcome = _run_detached(task, data)
    _release_free_memory()
    if isinstance(outcome, PhotoError):
        raise outcome
    return outcome


def _run_detached(task: Callable[[bytes], Result], data: bytes) -> Result | PhotoError:
    try:
        return task(data)
    except PhotoError as error:
        # A fresh error without the traceback, whose frames would keep the decoded pixels alive.
        return type(error)(error.message)


def _release_free_memory() -> None:
    # glibc keeps freed heap memory for reuse; a decode of 100 MB would stay in the worker's RSS.
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


_LIBC = ctypes.CDLL(None)
