"""The audit trails of looks at personal data, for the admins who answer for them: every reveal
of a redacted photo region and every view of a recorded caller's whole phone, newest first."""

from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import Session, col, select

from app.accounts.models import Account
from app.privacy.schemas import (
    AuditViewer,
    CallerPhoneAudit,
    PhotoRevealAudit,
)
from app.reports.models import CallerPhoneView, PhotoReveal

Entry = TypeVar("Entry", PhotoReveal, CallerPhoneView)


def photo_reveals(
    session: Session,
    *,
    viewer_id: int | None,
    report_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[PhotoRevealAudit]:
    """Reveals newest first (by id), narrowed to one viewer or report when given."""
    rows = _newest_first(session, PhotoReveal, viewer_id, report_id, before_id, limit)
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
    rows = _newest_first(session, CallerPhoneView, viewer_id, report_id, before_id, limit)
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


def _newest_first(
    session: Session,
    trail: type[Entry],
    viewer_id: int | None,
    report_id: int | None,
    before_id: int | None,
    limit: int,
) -> Sequence[tuple[Entry, Account]]:
    """One trail's entries with their viewers, newest first, by id (its primary key)."""
    query = select(trail, Account).join(Account, col(Account.id) == trail.viewer_id)
    if viewer_id is not None:
        query = query.where(trail.viewer_id == viewer_id)
    if report_id is not None:
        query = query.where(trail.report_id == report_id)
    if before_id is not None:
        query = query.where(col(trail.id) < before_id)
    return session.exec(query.order_by(col(trail.id).desc()).limit(limit)).all()


def _viewer(account: Account) -> AuditViewer:
    return AuditViewer(
        id=account.id or 0,
        username=account.username,
        name=account.display_name,
        role=account.role.value,
    )
