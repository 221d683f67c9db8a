"""The image pool lets background work (redaction) start only behind requests' image work."""

import threading

from app.photos.pool import ImagePool


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
