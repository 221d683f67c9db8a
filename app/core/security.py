"""Password hashing (argon2) and bearer tokens (HS256 JWT)."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.core.clock import utcnow

_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown username as slow as a real one.
_DUMMY_HASH = _hasher.hash("tantou-dummy-password")
TOKEN_ALGORITHM = "HS256"
# A token that never expires, names no account or cannot be revoked (no id) is refused, however
# well it is signed.
REQUIRED_CLAIMS = ["exp", "sub", "jti"]


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Replace the hashing parameters (the test suite uses argon2's cheapest profile)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("tantou-dummy-password")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; takes the same time when there is no account."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


@dataclass(frozen=True)
class TokenClaims:
    account_id: int
    token_id: str  # the `jti`, which logging out revokes
    expires_at: datetime


def issue_token(account_id: int, *, secret_key: str, lifetime: timedelta) -> IssuedToken:
    """A signed bearer token naming the account, with an id of its own."""
    now = utcnow()
    claims = {
        "sub": str(account_id),
        "jti": secrets.token_hex(16),
        "iat": now,
        "exp": now + lifetime,
    }
    token = jwt.encode(claims, secret_key, algorithm=TOKEN_ALGORITHM)
    return IssuedToken(token, int(lifetime.total_seconds()))


def read_token(token: str, *, secret_key: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token, else None (revocation is the caller's check)."""
    try:
        claims = jwt.decode(
            token, secret_key, algorithms=[TOKEN_ALGORITHM], options={"require": REQUIRED_CLAIMS}
        )
        return TokenClaims(
            account_id=int(claims["sub"]),
            token_id=str(claims["jti"])[:32],
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError, OverflowError):
        return None
