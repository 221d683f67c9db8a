"""The audit trails of looks at personal data, for the admins who answer for them: every reveal
of a redacted photo region and every view of a recorded caller's whole phone, newest first."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.accounts.models import Account
from app.privacy.schemas import (
    AuditViewer,
    CallerPhoneAudit,
    PhotoRevealAudit,
)
from app.reports.models import CallerPhoneView, PhotoReveal


def photo_reveals(
    session: Session,
    *,
    viewer_id: int | None,
    report_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[PhotoRevealAudit]:
    """Reveals newest first (by id), narrowed to one viewer or report when given."""
    query = select(PhotoReveal, Account).join(Account, col(Account.id) == PhotoReveal.viewer_id)
    if viewer_id is not None:
        query = query.where(PhotoReveal.viewer_id == viewer_id)
    if report_id is not None:
        query = query.where(PhotoReveal.report_id == report_id)
    if before_id is not None:
        query = query.where(col(PhotoReveal.id) < before_id)
    rows = session.exec(query.order_by(col(PhotoReveal.id).desc()).limit(limit)).all()
    return [
        PhotoRevealAudit(
            id=reveal.id or 0,
            report_id=reveal.report_id,
            photo_id=reveal.photo_id,
            region=reveal.region,
            box=reveal.box,
            reason=reveal.reason,
            viewer=_viewer(viewer),
            revealed_at=reveal.revealed_at,
        )
        for reveal, viewer in rows
    ]


def caller_phone_views(
    session: Session,
    *,
    viewer_id: int | None,
    report_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[CallerPhoneAudit]:
    """Views of unmasked caller phones newest first (by id), narrowed like photo_reveals."""
    query = select(CallerPhoneView, Account).join(
        Account, col(Account.id) == CallerPhoneView.viewer_id
    )
    if viewer_id is not None:
        query = query.where(CallerPhoneView.viewer_id == viewer_id)
    if report_id is not None:
        query = query.where(CallerPhoneView.report_id == report_id)
    if before_id is not None:
        query = query.where(col(CallerPhoneView.id) < before_id)
    rows = session.exec(query.order_by(col(CallerPhoneView.id).desc()).limit(limit)).all()
    return [
        CallerPhoneAudit(
            id=view.id or 0,
            report_id=view.report_id,
            viewer=_viewer(viewer),
            viewed_at=view.viewed_at,
        )
        for view, viewer in rows
    ]


def next_cursor(items: Sequence[PhotoRevealAudit | CallerPhoneAudit], limit: int) -> str | None:
    """The cursor of the page after a full one."""
    return str(items[-1].id) if len(items) == limit else None


def _viewer(account: Account) -> AuditViewer:
    return AuditViewer(
        id=account.id or 0,
        username=account.username,
        name=account.display_name,
        role=account.role.value,
    )
