"""The VAPID private key the app signs pushes with: the setting, else the one kept in the data
dir (made on first use, once across processes: app/core/vapid.py)."""

from app.core import vapid
from app.core.config import Settings


def vapid_private_key(settings: Settings) -> str:
    """The key of these settings."""
    return settings.vapid_private_key or vapid.load_or_create_vapid_key(settings.data_dir)
