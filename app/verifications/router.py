"""Verification tasks ("is it fixed?"): riders near a completed task check it with photos."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from sqlmodel import Session

from app.accounts.access import RIDERS
from app.accounts.deps import CurrentScope, RiderOrAreaManagerAccount
from app.accounts.models import Account
from app.core.db import session_scope
from app.core.deps import ReadSession, RuntimeDep
from app.core.inputs import DbId
from app.photos import intake
from app.reports.models import Report
from app.riders.deps import ActiveRider, get_active_rider
from app.riders.public import rider_brief
from app.riders.service import rider_of
from app.verifications import service
from app.verifications.models import VerificationStatus, VerificationTask
from app.verifications.nearest import distance_from_point_m, last_reported_point
from app.verifications.schemas import VerificationList, VerificationPublic

router = APIRouter(tags=["verifications"])


def _verification(
    session: Session,
    task: VerificationTask,
    report: Report,
    viewer: Account | None,
    rider_point: tuple[float, float] | None = None,
) -> VerificationPublic:
    assert task.id is not None
    submitted_by = None
    if viewer is not None and task.submitted_by_id is not None:
        row = rider_of(session, task.submitted_by_id)
        submitted_by = rider_brief(row[0], viewer=viewer) if row else None
    return VerificationPublic(
        id=task.id,
        report_id=task.report_id,
        status=task.status,
        category=report.category_code,
        description=report.description,
        lat=report.lat,
        lon=report.lon,
        grid_code=report.grid_code,
        community_code=task.community_code,
        reported_at=report.created_at,
        created_at=task.created_at,
        distance_m=distance_from_point_m(rider_point, report),
        submitted_at=task.submitted_at,
        note=task.note,
        submitted_by=submitted_by,
    )


@router.get("/verifications", response_model=VerificationList)
def list_verifications(
    session: ReadSession,
    account: RiderOrAreaManagerAccount,
    scope: CurrentScope,
    status: VerificationStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> VerificationList:
    """Riders (approved): checks offered to them, with the distance from their last reported
    point; area managers: their areas'."""
    if RIDERS.admits(account.role):
        profile = get_active_rider(session, account)
        rows = service.for_rider(session, profile, status=status, limit=limit)
        point = last_reported_point(session, profile.account_id)
        return VerificationList(items=[_verification(session, t, r, None, point) for t, r in rows])
    rows = service.verifications_in_scope(session, scope, status=status, limit=limit)
    return VerificationList(items=[_verification(session, t, r, account) for t, r in rows])


@router.post("/verifications/{verification_id}/submit", response_model=VerificationPublic)
def submit_verification(
    verification_id: DbId,
    runtime: RuntimeDep,
    rider: ActiveRider,
    photo: Annotated[list[UploadFile], File(description="the place as it is now")],
    note: Annotated[str | None, Form(max_length=500)] = None,
) -> VerificationPublic:
    """Check a completed task with photos; the first valid check wins, later ones get 409."""
    settings = runtime.settings
    photos = intake.read_checked_uploads(settings, photo)
    # Short sessions of its own around the photo work, which runs with no transaction open.
    with session_scope(runtime.engine, write=False) as reader:
        service.open_for_rider(reader, rider, verification_id)  # 404/409 before the photo work

    def insert(writer: Session, stored: list[intake.StoredPhoto]) -> VerificationTask:
        return service.submit(writer, rider, verification_id, stored, note=note)

    task = intake.take_in_photos(runtime, photos, insert)
    with session_scope(runtime.engine, write=False) as reader:
        return _verification(reader, task, reader.get_one(Report, task.report_id), None)
