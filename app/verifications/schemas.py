"""What the verification endpoints give."""

from datetime import datetime

from pydantic import BaseModel

from app.core.inputs import DbId
from app.riders.public import RiderBrief
from app.verifications.models import VerificationStatus


class VerificationPublic(BaseModel):
    id: int
    report_id: DbId
    status: VerificationStatus
    category: str
    description: str
    lat: float
    lon: float
    grid_code: str | None
    community_code: str
    reported_at: datetime  # when the rider reported the problem
    created_at: datetime  # when the unit completed its task and the check was offered
    # For the rider it was offered to: metres from their last reported point to the case.
    distance_m: float | None = None
    submitted_at: datetime | None
    note: str | None
    submitted_by: RiderBrief | None = None  # for area managers


class VerificationList(BaseModel):
    items: list[VerificationPublic]
    next_cursor: str | None = None
