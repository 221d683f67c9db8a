"""One POST to a push service or a sender: the address checked again, a time limit over all of
it, and the answer turned into an outcome. Never raises for the other side's failures."""

import asyncio

import httpx

from app.core.outbound import RefusedUrl, check_outbound_url_now
from app.push.channels import Outcome, Verdict, verdict_of

# Seconds a push service or sender has to answer one delivery.
TIMEOUT_S = 10.0
MAX_ERROR_CHARS = 500


async def post(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool,
) -> Outcome:
    """POST `body` to `url` within TIMEOUT_S; the answer's body is not read."""
    try:
        async with asyncio.timeout(TIMEOUT_S):
            if not allow_private:
                await check_outbound_url_now(url)
            response = await client.post(url, content=body, headers=headers)
    except TimeoutError:
        return Outcome(Verdict.RETRY, error=f"no answer within {TIMEOUT_S:g} s")
    except RefusedUrl as exc:
        return Outcome(Verdict.REFUSED, error=str(exc)[:MAX_ERROR_CHARS])
    except httpx.HTTPError as exc:
        return Outcome(Verdict.RETRY, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS])
    verdict = verdict_of(response.status_code)
    error = None if verdict is Verdict.DELIVERED else f"HTTP {response.status_code}"
    return Outcome(verdict, status_code=response.status_code, error=error)
