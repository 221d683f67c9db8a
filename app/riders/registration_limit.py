"""Registrations per address, so that the form cannot test thousands of phone numbers.

Kept in the database, so every worker process counts the same attempts. A registration drive
behind one carrier NAT is the case the default leaves room for (TANTOU_REGISTRATIONS_PER_HOUR).
"""

import math
from datetime import timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.errors import TooManyRequests
from app.core.messages import Message
from app.riders.models import RegistrationAttempt

WINDOW = timedelta(hours=1)


def count_attempt(session: Session, settings: Settings, client_address: str) -> None:
    """Record one attempt from `client_address`; 429 + Retry-After when it is over the limit.

    The caller commits: the attempt counts whatever the registration's outcome.
    """
    now = utcnow()
    since = now - WINDOW
    count, oldest = session.exec(
        select(func.count(), func.min(RegistrationAttempt.created_at)).where(
            col(RegistrationAttempt.client_address) == client_address,
            col(RegistrationAttempt.created_at) >= since,
        )
    ).one()
    if count >= settings.registrations_per_hour:
        wait_s = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
        raise TooManyRequests(
            Message("riders.too-many-registrations", minutes=math.ceil(wait_s / 60)),
            retry_after_s=wait_s,
        )
    session.exec(delete(RegistrationAttempt).where(col(RegistrationAttempt.created_at) < since))
    session.add(RegistrationAttempt(client_address=client_address, created_at=now))
