"""Checking the API key a call presents: stored as a hash, found by its public part, its last
use noted (issuing and revoking keys is the apikeys domain)."""

import hashlib
import hmac
from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.accounts.models import ApiKey
from app.core.clock import utcnow
from app.core.errors import Forbidden, Unauthorized
from app.core.messages import Message

KEY_PREFIX = "tk_"
# A key reads "tk_<10 public characters>_<43 secret characters>"; the public part finds the row.
PUBLIC_LENGTH = 10
# Last use is a hint for admins, not an audit trail: one write a minute per key is enough.
LAST_USE_RESOLUTION = timedelta(minutes=1)


def digest(raw_key: str) -> str:
    """The stored form of a key. Keys are 256-bit random, so a plain SHA-256 cannot be guessed
    back, and it keeps the check on every request cheap (argon2 is for human passwords)."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def authenticate_key(session: Session, raw_key: str, needed: Collection[str]) -> ApiKey:
    """The live key `raw_key` names, if it holds every scope in `needed`.

    401 for a key that is unknown, wrong or revoked; 403 for an endpoint it may not use.
    """
    api_key = _find_key(session, raw_key)
    if api_key is None or api_key.revoked_at is not None:
        raise Unauthorized(Message("accounts.bad-key"))
    if not needed:
        raise Forbidden(Message("accounts.people-only"))
    if missing := sorted(set(needed) - api_key.scope_set):
        raise Forbidden(Message("accounts.key-lacks-scope", scopes=", ".join(missing)))
    return api_key


def record_use(session: Session, api_key: ApiKey) -> None:
    """Note when a key was last used, at most once a minute; best effort, never fails a call."""
    now = utcnow()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USE_RESOLUTION:
        return
    try:
        session.execute(update(ApiKey).where(col(ApiKey.id) == api_key.id).values(last_used_at=now))
        session.commit()
    except OperationalError:
        # Another writer holds SQLite's lock this instant; the next call records it.
        session.rollback()


def _find_key(session: Session, raw_key: str) -> ApiKey | None:
    if not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 100:
        return None
    public, _, secret = raw_key[len(KEY_PREFIX) :].partition("_")
    if len(public) != PUBLIC_LENGTH or not secret:
        return None
    api_key = session.exec(select(ApiKey).where(ApiKey.prefix == public)).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, digest(raw_key)):
        return None
    return api_key
