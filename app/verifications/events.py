"""What the verifications domain announces (app.core.events)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class VerificationSubmitted:
    """A rider's check of "is it fixed?" was the first valid one for its task."""

    verification_id: int
    report_id: int
    rider_id: int
