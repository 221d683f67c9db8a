"""The image pool: background work (redaction) starts behind requests' image work, and work that
hangs times out with its worker stopped."""

import threading

from app.photos.pool import ImagePool, TimedOut


def test_background_work_waits_behind_a_request_until_it_ends() -> None:
    pool = ImagePool(workers=1, queue=2, tasks_per_worker=1, retry_after_s=1)
    with pool.admitted(background=True):
        assert pool.wait_until_no_request(0)  # background work is not a request to wait for
    quiet = threading.Event()
    waiter = threading.Thread(target=lambda: pool.wait_until_no_request(30) and quiet.set())
    with pool.admitted():
        assert not pool.wait_until_no_request(0.05)  # the wait is bounded: never for ever
        waiter.start()
        assert not quiet.is_set()
    waiter.join(30)
    assert quiet.is_set()  # woken as the request ended


def hang(_data: bytes) -> bytes:
    """Image work that never ends, as a hung detector's."""
    threading.Event().wait()
    return b""


def echo(data: bytes) -> bytes:
    return data


def test_work_that_hangs_times_out_and_its_worker_is_stopped_for_a_fresh_one() -> None:
    pool = ImagePool(workers=1, queue=2, tasks_per_worker=10, retry_after_s=1)
    try:
        [outcome] = pool.run(hang, [b"photo"], background=True, timeout_s=0.5)

        assert isinstance(outcome, TimedOut)
        assert "0.5 s" in str(outcome)
        assert pool.run(echo, [b"next"]) == [b"next"]  # the pool goes on with a new worker
    finally:
        pool.shutdown()
