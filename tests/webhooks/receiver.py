"""A real webhook receiver on loopback: an HTTP server in a thread that records what it gets
and answers 2xx, 500, 410 or not at all (hangs), as a test tells it to. The push tests use it
as a browser's push service too."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from app.webhooks.signing import is_valid_signature


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data

    def signed_with(self, secret: str) -> bool:
        return is_valid_signature(self.body, secret, self.headers.get("x-tantou-signature", ""))


class Receiver:
    """Set `mode` to "ok", "fail" (HTTP 500), "gone" (HTTP 410: a push service's expired
    subscription) or "hang" (no answer until `release()`)."""

    def __init__(self, port: int = 0) -> None:
        self.mode = "ok"
        self.received: list[Received] = []  # answered 2xx
        self.refused = 0  # answered 500
        self.gone = 0  # answered 410
        self.hanging = 0  # waiting now without an answer
        self._changed = threading.Condition()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def release(self) -> None:
        """Let hanging requests go (they are answered 200 but not recorded)."""
        self._released.set()

    def wait_until(self, condition: Callable[["Receiver"], bool], timeout_s: float = 30) -> None:
        """Block until `condition(self)` holds; AssertionError after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not condition(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"receiver: condition not met in {timeout_s} s; got "
                        f"{len(self.received)} at {sorted({r.path for r in self.received})}, "
                        f"refused {self.refused}, gone {self.gone}"
                    )
                self._changed.wait(left)

    def events_of(self, path: str = "/hook") -> list[str]:
        return [r.json["event"] for r in self.received if r.path == path]

    def _record(self, change: Callable[[], None]) -> None:
        with self._changed:
            change()
            self._changed.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                mode = receiver.mode
                if mode == "hang":
                    receiver._record(lambda: setattr(receiver, "hanging", receiver.hanging + 1))
                    receiver._released.wait(120)
                    receiver._record(lambda: setattr(receiver, "hanging", receiver.hanging - 1))
                    self._answer(200)
                    return
                if mode == "fail":
                    receiver._record(lambda: setattr(receiver, "refused", receiver.refused + 1))
                    self._answer(500)
                    return
                if mode == "gone":
                    receiver._record(lambda: setattr(receiver, "gone", receiver.gone + 1))
                    self._answer(410)
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                received = Received(self.path, headers, body)
                receiver._record(lambda: receiver.received.append(received))
                self._answer(204)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    @contextmanager
    def running(self) -> Iterator["Receiver"]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release()
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=10)


@contextmanager
def receiver_on(port: int = 0) -> Iterator[Receiver]:
    """A running receiver on loopback (a free port unless given)."""
    with Receiver(port).running() as receiver:
        yield receiver
