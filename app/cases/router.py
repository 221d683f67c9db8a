"""The case workflow: triage, dispatch, handling by units, verification, feedback and figures."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Query, UploadFile, status
from sqlmodel import Session

from app.accounts.deps import (
    AreaManagerAccount,
    CaseWriter,
    CaseWriterScope,
    CurrentScope,
    ReportReader,
    ReportReaderScope,
    admitting,
)
from app.accounts.models import Account
from app.accounts.scope import Scope
from app.cases import bulk, feedback, service, triage
from app.cases.access import CASE_COORDINATORS, TASK_READERS, load_visible_task
from app.cases.models import Task
from app.cases.schemas import (
    AcceptBody,
    BulkBody,
    BulkLine,
    BulkResult,
    DispatchBody,
    MergeBody,
    RatingBody,
    RatingPublic,
    RejectBody,
    ReopenBody,
    ReturnBody,
    TaskPage,
    TaskPublic,
    UnitWorkloadList,
    VerifyBody,
    task_public,
)
from app.cases.states import TaskStatus
from app.cases.workload import unit_workloads
from app.core import clock
from app.core.config import Settings
from app.core.db import session_scope
from app.core.deps import ReadSession, RuntimeDep, SettingsDep, WriteSession
from app.core.errors import Unprocessable
from app.core.inputs import DbId
from app.core.messages import Message
from app.core.pagination import parse_id_cursor
from app.photos import intake
from app.photos.urls import photo_url_signer
from app.reports import reading as reports_reading
from app.reports.caller_phones import caller_view_for
from app.reports.models import Report
from app.reports.schemas import ReportPublic
from app.units.service import list_units

router = APIRouter(tags=["cases"])

TaskListReader = Annotated[Account, admitting(TASK_READERS, ReportReader)]
CaseCoordinator = Annotated[Account, admitting(CASE_COORDINATORS, CaseWriter)]

PAGE_MAX_ITEMS = 100
PAGE_DEFAULT_ITEMS = 20
RESULT_NOTE_MAX_CHARS = 2_000
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "the report or task is no longer in a state that allows this"}
}


@router.post("/reports/{report_id}/accept", response_model=ReportPublic, responses=CONFLICT)
def accept_report(
    report_id: DbId,
    session: WriteSession,
    settings: SettingsDep,
    scope: CaseWriterScope,
    body: Annotated[AcceptBody | None, Body()] = None,
) -> ReportPublic:
    """The grid's coordinator accepts the report: it becomes a case (`accepted`)."""
    report = triage.accept_report(session, scope, report_id, note=body.note if body else None)
    session.commit()
    return _report(session, settings, report, scope)


@router.post("/reports/{report_id}/reject", response_model=ReportPublic, responses=CONFLICT)
def reject_report(
    report_id: DbId,
    body: RejectBody,
    session: WriteSession,
    settings: SettingsDep,
    scope: CaseWriterScope,
) -> ReportPublic:
    """The grid's coordinator rejects the report with a reason its reporter will read."""
    report = triage.reject_report(session, scope, report_id, reason=body.reason)
    session.commit()
    return _report(session, settings, report, scope)


@router.post("/reports/{report_id}/merge", response_model=ReportPublic, responses=CONFLICT)
def merge_report(
    report_id: DbId,
    body: MergeBody,
    session: WriteSession,
    settings: SettingsDep,
    scope: CaseWriterScope,
) -> ReportPublic:
    """The report duplicates an open case: it becomes `duplicate` and its reporter follows the
    case it joined (and hears its outcome)."""
    report = triage.merge_report(session, scope, report_id, into_id=body.into, note=body.note)
    session.commit()
    return _report(session, settings, report, scope)


@router.post(
    "/reports/bulk",
    response_model=BulkResult,
    responses={409: {"description": "the client_id was used for another bulk request"}},
)
def bulk_action(
    body: BulkBody,
    session: WriteSession,
    runtime: RuntimeDep,
    _coordinator: CaseCoordinator,
    scope: CaseWriterScope,
) -> BulkResult:
    """Accept, merge or dispatch up to 100 reports: each is applied on its own, exactly as the
    single action would, and answers one line (done, or why not). A retry with the same
    client_id answers the same lines and applies nothing twice."""
    lines = bulk.run_bulk(session, scope, body, calendar=runtime.work_calendar())
    return BulkResult(
        results=[
            BulkLine(
                id=line.report_id, outcome=line.outcome, detail=line.detail, task_id=line.task_id
            )
            for line in lines
        ]
    )


@router.post(
    "/reports/{report_id}/tasks",
    response_model=TaskPublic,
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT,
)
def dispatch_task(
    report_id: DbId,
    body: DispatchBody,
    session: WriteSession,
    runtime: RuntimeDep,
    scope: CaseWriterScope,
) -> TaskPublic:
    """分办: send the case to a handling unit; the first task makes it `dispatched`. A case may
    have tasks for several units at once."""
    task = service.dispatch_task(
        session,
        scope,
        report_id,
        unit_code=body.unit_code,
        note=body.note,
        due_at=body.due_at,
        calendar=runtime.work_calendar(),
    )
    session.commit()
    return _task(session, task)


@router.post("/reports/{report_id}/verify", response_model=ReportPublic, responses=CONFLICT)
def verify_case(
    report_id: DbId,
    body: VerifyBody,
    session: WriteSession,
    settings: SettingsDep,
    scope: CaseWriterScope,
) -> ReportPublic:
    """The grid's coordinator checks the result: approved closes the case; otherwise rework
    (返工) reopens the task(s) and the case is `dispatched` again."""
    report = service.verify_case(
        session, scope, report_id, approved=body.approved, note=body.note, task_id=body.task_id
    )
    session.commit()
    return _report(session, settings, report, scope)


@router.post(
    "/reports/{report_id}/rating",
    response_model=RatingPublic,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "not closed, or rated already"}},
)
def rate_case(
    report_id: DbId, body: RatingBody, session: WriteSession, scope: CurrentScope
) -> RatingPublic:
    """The reporter rates a closed case, once: 1-5 stars and a comment."""
    rating = feedback.rate_case(session, scope, report_id, stars=body.stars, comment=body.comment)
    session.commit()
    return RatingPublic.model_validate(rating, from_attributes=True)


@router.post(
    "/reports/{report_id}/reopen",
    response_model=ReportPublic,
    responses={409: {"description": "not closed, or closed more than 7 days ago"}},
)
def reopen_case(
    report_id: DbId,
    body: ReopenBody,
    session: WriteSession,
    settings: SettingsDep,
    scope: CurrentScope,
) -> ReportPublic:
    """ "It is not fixed": within 7 days of closing, the reporter sends the case back to
    `accepted`, to be dispatched again."""
    report = feedback.reopen_case(session, scope, report_id, reason=body.reason)
    session.commit()
    return _report(session, settings, report, scope)


@router.get("/tasks", response_model=TaskPage)
def list_tasks(
    session: ReadSession,
    _reader: TaskListReader,
    scope: ReportReaderScope,
    status: TaskStatus | None = None,
    report_id: Annotated[DbId | None, Query(description="only this case's tasks")] = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX_ITEMS)] = PAGE_DEFAULT_ITEMS,
) -> TaskPage:
    """A unit's own tasks, or the tasks of a coordinator's areas, newest first. Pass
    `next_cursor` back as `cursor` for the next page."""
    rows = service.list_tasks(
        session,
        scope,
        status=status,
        report_id=report_id,
        before_id=parse_id_cursor(cursor),
        limit=limit + 1,
    )
    page = rows[:limit]
    now = clock.utcnow()
    next_cursor = str(page[-1][0].id) if len(rows) > limit else None
    return TaskPage(
        items=[task_public(task, unit, report, now=now) for task, unit, report in page],
        next_cursor=next_cursor,
    )


@router.get("/units/workload", response_model=UnitWorkloadList)
def list_unit_workloads(
    session: ReadSession, _manager: AreaManagerAccount, scope: CurrentScope
) -> UnitWorkloadList:
    """Each unit of the caller's areas: its tasks open, in progress and overdue now."""
    unit_ids = [unit.id for unit in list_units(session, scope.area_paths) if unit.id is not None]
    return UnitWorkloadList(items=unit_workloads(session, unit_ids, now=clock.utcnow()))


@router.get("/tasks/{task_id}", response_model=TaskPublic)
def get_task(task_id: DbId, session: ReadSession, scope: ReportReaderScope) -> TaskPublic:
    """One task: its unit and the coordinators of its case's area may see it."""
    task, report = load_visible_task(session, scope, task_id)
    return task_public(task, service.unit_of(session, task), report, now=clock.utcnow())


@router.post("/tasks/{task_id}/accept", response_model=TaskPublic, responses=CONFLICT)
def accept_task(task_id: DbId, session: WriteSession, scope: CaseWriterScope) -> TaskPublic:
    """The task's unit takes it on (`in_progress`)."""
    task = service.accept_task(session, scope, task_id)
    session.commit()
    return _task(session, task)


@router.post("/tasks/{task_id}/return", response_model=TaskPublic, responses=CONFLICT)
def return_task(
    task_id: DbId, body: ReturnBody, session: WriteSession, scope: CaseWriterScope
) -> TaskPublic:
    """The task's unit hands it back with a reason; the coordinator dispatches it anew."""
    task = service.return_task(session, scope, task_id, reason=body.reason)
    session.commit()
    return _task(session, task)


@router.post(
    "/tasks/{task_id}/complete",
    response_model=TaskPublic,
    responses={
        **CONFLICT,
        413: {"description": "a photo is over its byte limit"},
        415: {"description": "a photo is not a JPEG, PNG, WebP or HEIC/HEIF image"},
    },
)
def complete_task(
    task_id: DbId,
    runtime: RuntimeDep,
    scope: CaseWriterScope,
    note: Annotated[str | None, Form(max_length=RESULT_NOTE_MAX_CHARS)] = None,
    photo: Annotated[
        list[UploadFile] | None,
        File(description='one or more "after" photos (JPEG, PNG, WebP or HEIC); repeat the field'),
    ] = None,
) -> TaskPublic:
    """The task's unit reports its result with "after" photos; when no other task of the case
    is still open or in progress, the case is `resolved` and awaits verification."""
    # Short sessions of its own around the photo work, which runs with no transaction open.
    with session_scope(runtime.engine, write=False) as reader:
        task, _report = service.load_task_for_unit(reader, scope, task_id)
    service.check_can_complete(task)
    settings = runtime.settings
    uploads = photo or []
    if not uploads:
        raise Unprocessable.for_field("photo", Message("cases.after-photo-needed"))
    photos = intake.read_checked_uploads(settings, uploads)

    def insert(writer: Session, stored: list[intake.StoredPhoto]) -> Task:
        task, report = service.load_task_for_unit(writer, scope, task_id)
        service.complete_task(
            writer, scope, task, report, note=(note or "").strip() or None, photos=stored
        )
        return task

    task = intake.take_in_photos(runtime, photos, insert)
    with session_scope(runtime.engine, write=False) as reader:
        return _task(reader, task)


def _report(session: Session, settings: Settings, report: Report, viewer: Scope) -> ReportPublic:
    urls = photo_url_signer(settings.secret_key)
    return reports_reading.present_reports(
        session, [report], photo_url=urls, callers=caller_view_for(viewer.role)
    )[0]


def _task(session: Session, task: Task) -> TaskPublic:
    report = session.get_one(Report, task.report_id)
    return task_public(task, service.unit_of(session, task), report, now=clock.utcnow())
