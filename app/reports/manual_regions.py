"""A coordinator's own box: a face or plate the detectors missed, pixelated in every served copy.

The served copy is pixelated again with the box added (in the image pool, holding no
transaction), and its new files replace the old under the row's conditional update. The sealed
original stays the photo before any pixelation: sealed once again, bound to the new display key.
The region records who added it and when, and the report's timeline says that a box was added,
by whom and to which photo, in the same transaction (the box itself stays out of the timeline).
The replaced copies are removed at once.
"""

import time
from datetime import timedelta

from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.core.clock import utcnow
from app.core.conditional import update_or_conflict
from app.core.db import session_scope
from app.core.errors import Conflict, NotFound, Unprocessable
from app.core.messages import Message
from app.core.runtime import Runtime
from app.photos.detectors import Box
from app.photos.intake import image_pool_of, pixel_limits, store_copies
from app.photos.pipeline import PhotoError
from app.photos.sealing import BrokenSeal, original_store, unseal
from app.photos.storage import photo_store
from app.reports.access import REVEALERS, load_visible_report
from app.reports.models import PhotoKind, PhotoRedaction, Report, ReportEventKind, ReportPhoto
from app.reports.photo_sweep import SEALED_ORIGINALS, remove_unreferenced
from app.reports.workflow import record_event

# Smaller than this is a slip of the mouse, not a face or a plate.
MIN_BOX_PX = 8
# The photo strips' captions in the console, for the timeline's note.
PHOTO_KIND_NAMES = {
    PhotoKind.BEFORE: "现场照片",
    PhotoKind.AFTER: "处置后照片",
    PhotoKind.CHECK: "核查照片",
}


def add_region(
    runtime: Runtime, scope: Scope, *, report_id: int, photo_id: int, box: tuple[int, int, int, int]
) -> ReportPhoto:
    """Pixelate `box` (left, top, right, bottom in the display copy's pixels) in the photo's
    served copies too; the photo as it is afterwards.

    403 unless a coordinator; 404 unless the report is theirs and the photo is the report's;
    409 if the photo is not served yet or changed meanwhile; 422 for a box outside the photo
    or too small; 503 when the image pool is full.
    """
    REVEALERS.check(scope.role)
    started_ns = time.time_ns()
    with session_scope(runtime.engine, write=False) as reader:
        photo = _served_photo(reader, scope, report_id, photo_id)
        note = _timeline_note(reader, photo)
    _check_box(box, photo)
    settings = runtime.settings
    served = photo_store(settings).read(photo.display_key)
    before_any_pixelation = _unredacted_copy(runtime, photo, served)
    left, top, right, bottom = box
    boxes = (Box("manual", 1.0, left, top, right, bottom),)
    outcome = image_pool_of(runtime).pixelate_stored(served, boxes, pixel_limits(settings))
    if isinstance(outcome, PhotoError) or outcome.display is None or outcome.thumbnail is None:
        raise Conflict(Message("reports.photo-unreadable"))
    region = {
        "kind": "manual",
        "score": None,
        "box": list(box),
        "added_by": scope.account_id,
        "added_at": utcnow().isoformat(),
    }
    with (
        photo_store(settings).staged() as writes,
        original_store(settings).staged() as sealed_writes,
    ):
        files = store_copies(
            writes,
            sealed_writes,
            outcome.display,
            outcome.thumbnail,
            unredacted=before_any_pixelation,
            secret_key=settings.secret_key,
        )
        with session_scope(runtime.engine) as writer:
            row = writer.get(ReportPhoto, photo.id)
            assert row is not None
            update_or_conflict(
                writer,
                ReportPhoto,
                row,
                expected={"display_key": photo.display_key},
                values={
                    "display_key": files.display_key,
                    "thumbnail_key": files.thumbnail_key,
                    "original_key": files.original_key,
                    "redacted_regions": [*photo.redacted_regions, region],
                },
                conflict=lambda: Conflict(Message("reports.photo-changed")),
            )
            record_event(
                writer,
                writer.get_one(Report, report_id),
                ReportEventKind.PHOTO_REGION_ADDED,
                actor_id=scope.account_id,
                note=note,
            )
            writer.commit()
    # The old copies show what the box hides: gone now, not at the next sweep, unless another
    # photo row shares them (the same bytes uploaded twice).
    engine = runtime.engine
    replaced = [photo.display_key, photo.thumbnail_key]
    remove_unreferenced(engine, photo_store(settings), replaced, unused_since_ns=started_ns)
    if photo.original_key is not None:
        originals = original_store(settings)
        old_seal = [photo.original_key]
        remove_unreferenced(
            engine, originals, old_seal, unused_since_ns=started_ns, columns=SEALED_ORIGINALS
        )
    return row


def _served_photo(session: Session, scope: Scope, report_id: int, photo_id: int) -> ReportPhoto:
    load_visible_report(session, scope, report_id)
    photo = session.exec(
        select(ReportPhoto).where(ReportPhoto.id == photo_id, ReportPhoto.report_id == report_id)
    ).first()
    if photo is None:
        raise NotFound(Message("reports.no-photo"))
    if photo.redaction != PhotoRedaction.REDACTED:
        raise Conflict(Message("reports.photo-not-redacted"))
    return photo


def _timeline_note(session: Session, photo: ReportPhoto) -> str:
    """Which photo got the box, as the console's strips number them ("现场照片第 2 张"): no box,
    no file key, nothing the box hides."""
    same_kind = session.exec(
        select(ReportPhoto.id)
        .where(ReportPhoto.report_id == photo.report_id, ReportPhoto.kind == photo.kind)
        .order_by(col(ReportPhoto.created_at), col(ReportPhoto.position), col(ReportPhoto.id))
    ).all()
    number = same_kind.index(photo.id) + 1
    return f"{PHOTO_KIND_NAMES[photo.kind]}第 {number} 张"


def _check_box(box: tuple[int, int, int, int], photo: ReportPhoto) -> None:
    left, top, right, bottom = box
    if not (0 <= left < right <= photo.width and 0 <= top < bottom <= photo.height):
        raise Unprocessable.for_field(
            "box",
            Message("reports.box-outside-photo", width=photo.width, height=photo.height),
        )
    if min(right - left, bottom - top) < MIN_BOX_PX:
        raise Unprocessable.for_field("box", Message("reports.box-too-small", min_px=MIN_BOX_PX))


def _unredacted_copy(runtime: Runtime, photo: ReportPhoto, served: bytes) -> bytes | None:
    """The display copy before any pixelation, to seal while the retention period lasts: the
    sealed original, or the served copy itself while nothing was pixelated. None once the
    period is over or the original cannot be opened: the box is added all the same."""
    settings = runtime.settings
    if photo.created_at < utcnow() - timedelta(days=settings.original_retention_days):
        return None
    if photo.original_key is None:
        return None if photo.redacted_regions else served
    try:
        sealed = original_store(settings).read(photo.original_key)
        return unseal(sealed, secret_key=settings.secret_key, bound_to=photo.display_key)
    except (FileNotFoundError, BrokenSeal):
        return None
