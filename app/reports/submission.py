"""Taking in a report: the one sequence every way in (the app, the console, the API, Open311) uses.

Photo work is slow and must not hold SQLite's write lock, so the order is: look for a replay,
end the transaction, check and convert the photos, stage their files, insert and commit in one
short transaction, and recover the concurrent twin when the unique client_id says we lost a race.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.accounts.models import Account
from app.accounts.scope import scope_of
from app.core.runtime import Runtime
from app.grids.locator import locator_of
from app.reports import ingest, service
from app.reports.models import RECORDED_CHANNELS, Channel, Report


def submit(
    session: Session, runtime: Runtime, account: Account, draft: service.ReportDraft
) -> tuple[Report, bool]:
    """The report for this draft and whether it is new (False: a replay of one already made)."""
    assert account.id is not None
    # Before any image work, so that a retry over a weak connection costs next to nothing.
    report = service.find_replay(session, account.id, draft)
    if report is not None:
        _end_transaction(session)
        return report, False
    return _save_new_report(session, runtime, account, draft)


def _save_new_report(
    session: Session, runtime: Runtime, account: Account, draft: service.ReportDraft
) -> tuple[Report, bool]:
    """Check, convert and store the photos, then insert in one short transaction.

    Returns the report and True, or the concurrent twin with the same client_id and False.
    """
    settings = runtime.settings
    assert account.id is not None
    reporter_id = account.id
    category = service.submittable_category(session, draft.category_code)
    snapshot = locator_of(runtime).snapshot(session)
    recorded = draft.channel in RECORDED_CHANNELS or draft.channel is Channel.API
    scope = scope_of(session, account) if recorded else None
    _end_transaction(session)
    processed = ingest.process_uploads(runtime, draft.photos)
    place = service.place_report(
        draft, processed, snapshot, unassigned_max_distance_m=settings.unassigned_max_distance_m
    )
    if scope is not None:
        service.check_recording_scope(scope, place)
    try:
        # Files first, then rows; if anything fails before the commit, the new files go too.
        with ingest.photo_store(settings).staged() as writes:
            stored = ingest.store_photos(writes, processed)
            report = service.create_report(
                session,
                reporter_id=reporter_id,
                draft=draft,
                urgent=service.is_urgent(draft, category),
                place=place,
                photos=stored,
            )
            session.commit()
    except IntegrityError:
        # The same client_id raced us and won (unique on reporter_id, client_id).
        session.rollback()
        twin = service.find_replay(session, reporter_id, draft)
        if twin is None:
            raise
        _end_transaction(session)
        return twin, False
    return report, True


def _end_transaction(session: Session) -> None:
    # A writing request's transaction holds SQLite's write lock from its first statement (the
    # login lookup). Nothing is written yet, so committing only ends it; objects stay loaded.
    session.commit()
