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
    created_at: datetime
    submitted_at: datetime | None
    note: str | None
    submitted_by: RiderBrief | None = None  # for area managers


class VerificationList(BaseModel):
    items: list[VerificationPublic]
    next_cursor: str | None = None
