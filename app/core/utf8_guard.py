"""Refuses text that is not UTF-8 before any route reads it.

Starlette reads a form field (urlencoded, or a multipart part without a filename) that is not
valid UTF-8 as Latin-1, and percent-encoded bytes in a query or path that are not UTF-8 as
U+FFFD, so bad bytes would be stored as mojibake. This middleware checks the URL up front and
the body as it streams through (nothing is buffered but a JSON body, which the app buffers
anyway; file parts are skipped, not copied). A refusal replaces whatever the app would answer:
the body parser fails on the bad chunk before the route runs, so nothing is stored.
"""

import codecs
import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from python_multipart.exceptions import ParseError
from python_multipart.multipart import MultipartParser, QuerystringParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from app.core.errors import Unprocessable, problem_response
from app.core.json_texts import json_texts
from app.core.messages import Message

NOT_UTF8 = Message("core.not-utf8")
NOT_PERCENT_ENCODED = Message("core.not-percent-encoded")

Problem = tuple[str, Message]  # (field, message)
Refusal = Callable[[str, str, Message], Response]  # (path, field, message) -> the answer


def field_problem(_path: str, field: str, message: Message) -> Response:
    """The default answer: a 422 problem+json naming the field."""
    return problem_response(Unprocessable.for_field(field, message))


def _utf8_problem(raw: bytes) -> Message | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    return None


def _percent_encoded_problem(raw: bytes, *, plus_is_space: bool = True) -> Message | None:
    # Starlette reads raw bytes of a URL or urlencoded form as Latin-1, even valid UTF-8.
    if not raw.isascii():
        return NOT_PERCENT_ENCODED
    return _utf8_problem(_percent_decoded(raw, plus_is_space=plus_is_space))


def _percent_decoded(raw: bytes, *, plus_is_space: bool = True) -> bytes:
    return unquote_to_bytes(raw.replace(b"+", b" ") if plus_is_space else raw)


def _readable(raw: bytes) -> str:
    """A field name fit to show, even when it is itself the bad text."""
    return _percent_decoded(raw).decode("utf-8", "replace")


def _pair_problem(name: bytes, value: bytes) -> Problem | None:
    problem = _percent_encoded_problem(name) or _percent_encoded_problem(value)
    return (_readable(name), problem) if problem else None


def url_problem(scope: Scope) -> Problem | None:
    """The first path or query text that is not UTF-8."""
    problem = _percent_encoded_problem(scope.get("raw_path") or b"", plus_is_space=False)
    if problem:
        return "path", problem
    for pair in scope.get("query_string", b"").split(b"&"):
        name, _, value = pair.partition(b"=")
        if found := _pair_problem(name, value):
            return found
    return None


class BodyChecker:
    """Fed the body chunk by chunk; `problem` is set at the first text that is not UTF-8."""

    problem: Problem | None = None
    _malformed = False

    def feed(self, chunk: bytes, *, last: bool) -> None:
        if self.problem or self._malformed:
            return
        try:
            self._write(chunk, last=last)
        except ParseError:
            self._malformed = True  # the app's own parser refuses it

    def _write(self, chunk: bytes, *, last: bool) -> None:
        raise NotImplementedError


class UrlencodedChecker(BodyChecker):
    """Each field of a urlencoded form, split as Starlette splits it (one field in memory)."""

    def __init__(self) -> None:
        self._name, self._value = bytearray(), bytearray()
        self._parser = QuerystringParser(
            {
                "on_field_start": self._start,
                "on_field_name": lambda data, start, end: self._name.extend(data[start:end]),
                "on_field_data": lambda data, start, end: self._value.extend(data[start:end]),
                "on_field_end": self._end,
            }
        )

    def _start(self) -> None:
        self._name.clear()
        self._value.clear()

    def _end(self) -> None:
        self.problem = self.problem or _pair_problem(bytes(self._name), bytes(self._value))

    def _write(self, chunk: bytes, *, last: bool) -> None:
        self._parser.write(chunk)
        if last:
            self._parser.finalize()


class MultipartChecker(BodyChecker):
    """Part names, file names and the data of parts without a file name, through
    python-multipart's streaming parser; file data is passed over, never sliced."""

    def __init__(self, boundary: bytes) -> None:
        self._header_name, self._header_value = bytearray(), bytearray()
        self._disposition = b""
        self._field = ""
        self._decoder: codecs.IncrementalDecoder | None = None
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": lambda data, start, end: self._header_name.extend(
                    data[start:end]
                ),
                "on_header_value": lambda data, start, end: self._header_value.extend(
                    data[start:end]
                ),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def _part_begin(self) -> None:
        self._disposition = b""
        self._decoder = None

    def _header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"")
        self._field = name.decode("utf-8", "replace")
        if b"filename" in options:
            self._found(_utf8_problem(name) or _utf8_problem(options[b"filename"]))
        else:
            self._found(_utf8_problem(name))
            self._decoder = codecs.getincrementaldecoder("utf-8")()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._decoder is not None:
            self._decode(data[start:end], final=False)

    def _part_end(self) -> None:
        if self._decoder is not None:
            self._decode(b"", final=True)

    def _decode(self, data: bytes, *, final: bool) -> None:
        assert self._decoder is not None
        try:
            self._decoder.decode(data, final)
        except UnicodeDecodeError:
            self._found(NOT_UTF8)

    def _found(self, message: Message | None) -> None:
        if message and self.problem is None:
            self.problem = (self._field, message)

    def _write(self, chunk: bytes, *, last: bool) -> None:
        self._parser.write(chunk)
        if last:
            self._parser.finalize()


class JsonChecker(BodyChecker):
    """A JSON body, whole (the app reads it whole too), so that the field can be named."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def _write(self, chunk: bytes, *, last: bool) -> None:
        self._chunks.append(chunk)
        if last:
            body = b"".join(self._chunks)
            if _utf8_problem(body):
                self.problem = (_json_field_of_bad_bytes(body), NOT_UTF8)


def _json_field_of_bad_bytes(body: bytes) -> str:
    # Bad bytes become lone surrogates, which the JSON parser keeps in the strings they are in.
    try:
        document = json.loads(body.decode("utf-8", "surrogateescape"))
    except ValueError:
        return "body"
    for field, text in json_texts(document):
        if any("\udc80" <= char <= "\udcff" for char in text):
            return field.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "body"


def body_checker(scope: Scope) -> BodyChecker | None:
    """The checker for this request's content type (a JSON body may come without one, as
    FastAPI reads it then), or None for bodies that are not text."""
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    media_type, options = parse_options_header(content_type)
    if media_type == b"application/x-www-form-urlencoded":
        return UrlencodedChecker()
    if media_type == b"multipart/form-data" and options.get(b"boundary"):
        return MultipartChecker(options[b"boundary"])
    if not media_type or media_type == b"application/json" or media_type.endswith(b"+json"):
        return JsonChecker()
    return None


class Utf8GuardMiddleware:
    """422 (or what `refusal` answers) for a URL or body text that is not UTF-8."""

    def __init__(self, app: ASGIApp, *, refusal: Refusal = field_problem) -> None:
        self.app = app
        self.refusal = refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = url_problem(scope)
        if problem:
            await self._refuse(scope, send, problem)
            return
        checker = body_checker(scope)
        if checker is None:
            await self.app(scope, receive, send)
            return
        refused = responding = False

        async def checking_receive() -> ASGIMessage:
            nonlocal refused
            message = await receive()
            if message["type"] == "http.request" and not refused and not responding:
                checker.feed(message.get("body", b""), last=not message.get("more_body"))
                if checker.problem:
                    refused = True
                    # Stops the body parser; the app's answer to it is replaced below.
                    raise HTTPException(422, str(checker.problem[1]))
            return message

        async def holding_send(message: ASGIMessage) -> None:
            nonlocal responding
            if not refused:
                responding = True
                await send(message)

        await self.app(scope, checking_receive, holding_send)
        if refused:
            await self._refuse(scope, send, checker.problem)

    async def _refuse(self, scope: Scope, send: Send, problem: Problem | None) -> None:
        assert problem is not None

        async def no_body() -> ASGIMessage:
            return {"type": "http.request", "body": b"", "more_body": False}

        await self.refusal(scope["path"], *problem)(scope, no_body, send)
