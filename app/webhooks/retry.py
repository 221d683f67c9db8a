"""When a failed delivery is tried again: exponential back-off with jitter, and when to give up."""

import random
from datetime import datetime, timedelta

# Each delay is its nominal value scaled by a factor in [1 - JITTER, 1 + JITTER], so that many
# deliveries failing together (a receiver down) do not all come back at the same instant.
JITTER = 0.25


def retry_delay_s(
    attempts: int, *, first_s: float, max_s: float, rand: random.Random | None = None
) -> float:
    """Seconds to wait after the `attempts`-th failed try: about first_s, then doubling, never
    more than max_s."""
    nominal = first_s * 2.0 ** min(max(attempts - 1, 0), 64)
    factor = 1.0 + JITTER * (2.0 * (rand or random).random() - 1.0)
    return min(max_s, nominal * factor)


def is_given_up(created_at: datetime, now: datetime, *, give_up_after: timedelta) -> bool:
    """A delivery not accepted within `give_up_after` of being written is not tried again."""
    return now - created_at >= give_up_after
