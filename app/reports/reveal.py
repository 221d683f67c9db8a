"""Revealing one redacted region: a coordinator of the report's area sees what redaction hid
there (to read a plate for law enforcement, say), cut from the sealed original, with a reason
that is audited first. Nobody downloads the original itself."""

import io
from typing import cast

from PIL import Image
from sqlmodel import Session, select

from app.accounts.scope import Scope
from app.core.errors import Gone, NotFound, Unprocessable
from app.core.messages import Message
from app.photos.sealing import BrokenSeal, unseal
from app.photos.storage import PhotoStore
from app.reports.access import REVEALERS, load_visible_report
from app.reports.models import PhotoReveal, ReportPhoto

REVEAL_JPEG_QUALITY = 90


def reveal_region(
    session: Session,
    scope: Scope,
    *,
    report_id: int,
    photo_id: int,
    region: int,
    reason: str,
    secret_key: str,
    originals: PhotoStore,
) -> bytes:
    """The JPEG of one redacted region of the photo's original, once the look is audited: the
    audit row is committed in `session` (a write session) before the original is opened.

    403 unless a coordinator; 404 unless the report is theirs and the photo is the report's;
    422 for a region the photo does not have; 410 once the original has been deleted.
    """
    REVEALERS.check(scope.role)
    load_visible_report(session, scope, report_id)
    photo = session.exec(
        select(ReportPhoto).where(ReportPhoto.id == photo_id, ReportPhoto.report_id == report_id)
    ).first()
    if photo is None or photo.id is None:
        raise NotFound(Message("reports.no-photo"))
    if not 0 <= region < len(photo.redacted_regions):
        raise Unprocessable.for_field(
            "region",
            Message("reports.no-region", count=len(photo.redacted_regions)),
        )
    sealed = _sealed_original(photo, originals)
    box = [int(edge) for edge in cast("list[int]", photo.redacted_regions[region]["box"])]
    session.add(
        PhotoReveal(
            report_id=photo.report_id,
            photo_id=photo.id,
            region=region,
            box=box,
            reason=reason,
            viewer_id=scope.account_id,
        )
    )
    session.commit()  # no look goes unrecorded; the image work then holds no transaction
    try:
        original = unseal(sealed, secret_key=secret_key, bound_to=photo.display_key)
    except BrokenSeal as error:  # sealed under another secret key (a restore onto a new one)
        raise Gone(Message("reports.original-unreadable")) from error
    return _crop(original, box)


def _sealed_original(photo: ReportPhoto, originals: PhotoStore) -> bytes:
    # Read before the audit: the bytes are sealed, so nothing is seen until unsealed after it.
    deleted = Gone(Message("reports.original-deleted"))
    if photo.original_key is None:
        raise deleted
    try:
        return originals.read(photo.original_key)
    except FileNotFoundError as error:
        raise deleted from error


def _crop(original: bytes, box: list[int]) -> bytes:
    left, top, right, bottom = box
    with Image.open(io.BytesIO(original)) as image:
        region = image.crop((left, top, right, bottom))
        buffer = io.BytesIO()
        region.save(buffer, "JPEG", quality=REVEAL_JPEG_QUALITY)
    return buffer.getvalue()
