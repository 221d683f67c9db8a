"""One try of one delivery: check the address again (DNS can change), POST the signed body,
and say how it went. Never raises for the receiver's failures; they become the outcome."""

import asyncio
import socket
import time

import httpx

from app.core.messages import Message
from app.core.outbound import DEFAULT_PORTS, RefusedUrl, check_addresses, parse_outbound_url
from app.webhooks.outbox import ClaimedDelivery, Outcome
from app.webhooks.signing import sign_body

USER_AGENT = "Tantou-Webhooks/1"
MAX_ERROR_CHARS = 500
# Reading a short answer to its end lets the connection go back to the pool for the next
# delivery; a longer one is cut off (and its connection closed) rather than read.
MAX_ANSWER_BYTES = 64 * 1024


def delivery_headers(claimed: ClaimedDelivery, body: bytes) -> dict[str, str]:
    """The contract's headers for this delivery and body."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Tantou-Event": claimed.event,
        "X-Tantou-Delivery": claimed.delivery_id,
        "X-Tantou-Signature": sign_body(body, claimed.secret),
    }


async def send_delivery(
    client: httpx.AsyncClient,
    claimed: ClaimedDelivery,
    body: bytes,
    *,
    timeout_s: float,
    allow_private: bool,
) -> Outcome:
    """POST `body` to the subscription's URL, all of it (resolving, connecting, answering)
    within `timeout_s`; delivered on a 2xx. At most MAX_ANSWER_BYTES of the answer are read."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            if not allow_private:
                await _check_address_now(claimed.url)
            request = client.build_request(
                "POST", claimed.url, content=body, headers=delivery_headers(claimed, body)
            )
            response = await client.send(request, stream=True)
            try:
                await _read_some(response)
            finally:
                await response.aclose()
    except TimeoutError:
        return _failure(f"no answer within {timeout_s:g} s", started)
    except RefusedUrl as exc:
        return _failure(str(exc), started)
    except httpx.HTTPError as exc:
        return _failure(f"{type(exc).__name__}: {exc}", started)
    elapsed_ms = _elapsed_ms(started)
    if 200 <= response.status_code < 300:
        return Outcome(delivered=True, status_code=response.status_code, response_ms=elapsed_ms)
    return Outcome(
        delivered=False,
        status_code=response.status_code,
        error=f"HTTP {response.status_code}",
        response_ms=elapsed_ms,
    )


async def _read_some(response: httpx.Response) -> None:
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > MAX_ANSWER_BYTES:
            return


async def _check_address_now(url: str) -> None:
    parts = parse_outbound_url(url)
    assert parts.hostname is not None
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError):
        raise RefusedUrl(Message("outbound.unresolved", host=parts.hostname)) from None
    check_addresses(parts.hostname, [str(info[4][0]) for info in infos])


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _failure(error: str, started: float) -> Outcome:
    return Outcome(delivered=False, error=error[:MAX_ERROR_CHARS], response_ms=_elapsed_ms(started))
