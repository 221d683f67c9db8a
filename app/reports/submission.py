"""Taking in a report: the one sequence every way in (the app, the console, the API, Open311) uses.

Photo work is slow and must not hold SQLite's write lock, so the order is: look for a replay in a
read-only session, check and convert the photos, stage their files, insert and commit in one
short writing session, and recover the concurrent twin when the unique client_id says we lost a
race. The request's own session is not used: a replay storm then holds up no writer.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.accounts.scope import Scope
from app.core.db import session_scope
from app.core.runtime import Runtime
from app.grids.locator import locator_of
from app.photos import intake
from app.photos.urls import photo_url_signer
from app.reports import reading, service
from app.reports.caller_phones import caller_view_for
from app.reports.models import RECORDED_CHANNELS, Channel, Report, ReportPhoto
from app.reports.schemas import SubmittedReport


@dataclass(frozen=True)
class Submitted:
    """What a submission came to: the report, and whether this request made it (False: a replay
    of one already made, or the twin that won the race)."""

    report: Report
    created: bool
    # The photo rows this request wrote, as it wrote them (pending); None for a report it found.
    written_photos: Sequence[ReportPhoto] | None = None


def submit(runtime: Runtime, scope: Scope, draft: service.ReportDraft) -> Submitted:
    """The report for this draft, by the account of `scope`, and whether it is new."""
    # Before any image work and without the write lock, so that a replay (an outbox resending
    # after a dead zone, often many copies at once) costs next to nothing and holds up no writer.
    with session_scope(runtime.engine, write=False) as reader:
        replayed = service.find_replay(reader, scope.account_id, draft)
    if replayed is not None:
        return Submitted(replayed, created=False)
    return _save_new_report(runtime, scope, draft)


def _save_new_report(runtime: Runtime, scope: Scope, draft: service.ReportDraft) -> Submitted:
    """Check, convert and store the photos, then insert in one short transaction.

    Returns the new report with the photo rows it wrote, or the concurrent twin with the same
    client_id (not created).
    The reads come first, apart: the write lock is taken only for the insert.
    """
    settings = runtime.settings
    reporter_id = scope.account_id
    # Coordinators and integrations may only place reports inside their own areas.
    scoped = draft.channel in RECORDED_CHANNELS or draft.channel is Channel.API
    with session_scope(runtime.engine, write=False) as reader:
        category = service.submittable_category(reader, draft.category_code)
        snapshot = locator_of(runtime).snapshot(reader)
    processed = intake.process_uploads(runtime, draft.photos)
    place = service.place_report(
        draft, processed, snapshot, unassigned_max_distance_m=settings.unassigned_max_distance_m
    )
    if scoped:
        service.check_recording_scope(scope, place)

    def insert(writer: Session, stored: list[intake.StoredPhoto]) -> Submitted:
        report, photos = service.create_report(
            writer,
            reporter_id=reporter_id,
            draft=draft,
            urgent=service.is_urgent(draft, category),
            place=place,
            photos=stored,
        )
        return Submitted(report, created=True, written_photos=photos)

    try:
        return intake.stage_photos(runtime, processed, insert)
    except IntegrityError:
        # The same client_id raced us and won (unique on reporter_id, client_id); the files
        # this attempt created are gone again, the twin's are its own.
        with session_scope(runtime.engine, write=False) as reader:
            twin = service.find_replay(reader, reporter_id, draft)
        if twin is None:
            raise
        return Submitted(twin, created=False)


def submitted_report(runtime: Runtime, submitted: Submitted, viewer: Scope) -> SubmittedReport:
    """The answer to a submission: the report as its submitter sees it, and the open reports of
    its category nearby ("is it one of these?"), read apart like the rest of the intake.

    A new report's photos are shown as this request wrote them, pending: once committed they are
    the redaction worker's, which may already have redacted them, and an answer that depended on
    who was quicker would say "ready" one time in many. A replay shows its photos as they are.
    """
    settings = runtime.settings
    urls = photo_url_signer(settings.secret_key)
    report = submitted.report
    assert report.id is not None
    written = {} if submitted.written_photos is None else {report.id: submitted.written_photos}
    with session_scope(runtime.engine, write=False) as reader:
        public = reading.present_reports(
            reader,
            [report],
            photo_url=urls,
            callers=caller_view_for(viewer.role),
            written_photos=written,
        )[0]
        nearby = reading.nearby_reports(
            reader,
            lon=report.lon,
            lat=report.lat,
            category_code=report.category_code,
            radius_m=settings.nearby_radius_m,
            days=settings.nearby_days,
            photo_url=urls,
            exclude_id=report.id,
        )
    # dict(), not model_dump(): the nested models are taken as they are, not rebuilt from dicts.
    return SubmittedReport(**dict(public), nearby=nearby)
