"""What the notices domain announces (app.core.events)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeShared:
    """A rider recorded, for the first time, that they passed a notice on."""

    notice_id: int
    rider_id: int
    title: str
