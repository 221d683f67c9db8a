"""GET /me/export: everything Tantou holds about one rider, as one JSON document.

Streamed section by section, and a rider's reports in batches, so that a rider with years of
reports costs the server a batch of memory, not the whole history. The document is read in one
read-only transaction of its own (a consistent snapshot), not the request's session: the
response outlives the route.
"""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from app.accounts.models import Account
from app.core.clock import utcnow
from app.core.db import session_scope
from app.notices.models import Notice, NoticeReceipt
from app.notifications.models import Notification
from app.photos.urls import photo_url_signer
from app.points.models import PointsAccount, PointsEntry
from app.push.models import PushSubscription
from app.reports.caller_phones import CallerView
from app.reports.models import (
    PhotoKind,
    Report,
    ReportPhoto,
    ReportRating,
    ReportSupporter,
)
from app.reports.reading import present_reports, report_timeline
from app.reports.schemas import PhotoUrl
from app.rewards.models import Redemption, Reward
from app.riders.models import RiderProfile, Team
from app.riders.privacy_notice import CURRENT_NOTICE
from app.verifications.models import VerificationTask

REPORT_BATCH = 100
# What the account row holds that is no one's business, the rider's included: the hash only
# proves a password, and handing it out would let it be attacked offline.
ACCOUNT_WITHHELD = {"password_hash"}
DEVICE_KEYS = {"p256dh", "auth"}


def export_filename(account_id: int) -> str:
    """The download's name: whose and when, no personal data."""
    return f"tantou-export-{account_id}-{utcnow():%Y%m%d}.json"


def export_chunks(engine: Engine, secret_key: str, account_id: int) -> Iterator[str]:
    """The export document of `account_id`, in pieces of JSON text."""
    photo_url = photo_url_signer(secret_key)
    with session_scope(engine, write=False) as session:
        account = session.get_one(Account, account_id)
        profile = session.get(RiderProfile, account_id)
        yield "{"
        yield _member("exported_at", utcnow().isoformat(), first=True)
        yield _member("privacy_consent", _consent(profile))
        yield _member("account", _row(account, withheld=ACCOUNT_WITHHELD))
        yield _member("rider_profile", _profile(session, profile))
        yield ',"reports":'
        yield from _array(_reports(session, account, photo_url))
        yield _member("ratings", _rows(session, select(ReportRating).where(_rated_by(account_id))))
        supported = select(ReportSupporter).where(col(ReportSupporter.rider_id) == account_id)
        yield _member("supported_reports", _rows(session, supported))
        yield _member("points", _points(session, account_id))
        yield _member("redemptions", _redemptions(session, account_id))
        yield _member("notifications", _notifications(session, account_id))
        yield _member("push_subscriptions", _push_subscriptions(session, account_id))
        yield _member("notice_receipts", _notice_receipts(session, account_id))
        yield _member("verification_checks", _checks(session, account_id, photo_url))
        yield "}"


def _member(name: str, value: Any, *, first: bool = False) -> str:
    return f"{'' if first else ','}{json.dumps(name)}:{_json(value)}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _array(items: Iterable[Any]) -> Iterator[str]:
    yield "["
    for index, item in enumerate(items):
        yield ("," if index else "") + _json(item)
    yield "]"


def _row(row: SQLModel | None, *, withheld: set[str] | None = None) -> dict[str, Any] | None:
    if row is None:
        return None
    return row.model_dump(mode="json", exclude=withheld)


def _rows(session: Session, query: Any) -> list[dict[str, Any] | None]:
    return [_row(row) for row in session.exec(query)]


def _consent(profile: RiderProfile | None) -> dict[str, Any]:
    return {
        "agreed_version": profile.privacy_consent_version if profile else None,
        "agreed_at": profile.privacy_consented_at.isoformat()
        if profile and profile.privacy_consented_at
        else None,
        "current_version": CURRENT_NOTICE.version,
    }


def _profile(session: Session, profile: RiderProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    team = session.get(Team, profile.team_id) if profile.team_id else None
    return {**(_row(profile) or {}), "team_name": team.name if team else None}


def _reports(session: Session, account: Account, photo_url: PhotoUrl) -> Iterator[dict[str, Any]]:
    """The rider's own reports, oldest first, each with its timeline (as the rider reads it)."""
    after_id = 0
    while True:
        batch = list(
            session.exec(
                select(Report)
                .where(Report.reporter_id == account.id, col(Report.id) > after_id)
                .order_by(col(Report.id))
                .limit(REPORT_BATCH)
            )
        )
        if not batch:
            return
        presented = present_reports(session, batch, photo_url=photo_url, callers=CallerView.HIDDEN)
        for report, public in zip(batch, presented, strict=True):
            events = report_timeline(session, report, viewer=account)
            yield {
                **public.model_dump(mode="json"),
                "client_id": report.client_id,
                "events": [event.model_dump(mode="json") for event in events],
            }
        after_id = batch[-1].id or after_id


def _rated_by(account_id: int) -> Any:
    return col(ReportRating.rater_id) == account_id


def _points(session: Session, account_id: int) -> dict[str, Any]:
    balance = session.get(PointsAccount, account_id)
    entries = select(PointsEntry).where(PointsEntry.rider_id == account_id)
    return {
        "balance": balance.balance if balance else 0,
        "entries": _rows(session, entries.order_by(col(PointsEntry.id))),
    }


def _redemptions(session: Session, account_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Redemption, Reward.name)
        .join(Reward, col(Reward.id) == col(Redemption.reward_id))
        .where(Redemption.rider_id == account_id)
        .order_by(col(Redemption.id))
    )
    return [{**(_row(redemption) or {}), "reward_name": name} for redemption, name in rows]


def _notifications(session: Session, account_id: int) -> list[dict[str, Any] | None]:
    query = select(Notification).where(Notification.account_id == account_id)
    return _rows(session, query.order_by(col(Notification.id)))


def _push_subscriptions(session: Session, account_id: int) -> list[dict[str, Any] | None]:
    # The devices, not their keys: the export file is no place for a device's auth secret.
    query = select(PushSubscription).where(PushSubscription.account_id == account_id)
    return [
        _row(s, withheld=DEVICE_KEYS)
        for s in session.exec(query.order_by(col(PushSubscription.id)))
    ]


def _notice_receipts(session: Session, account_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(NoticeReceipt, Notice.title)
        .join(Notice, col(Notice.id) == col(NoticeReceipt.notice_id))
        .where(NoticeReceipt.rider_id == account_id)
        .order_by(col(NoticeReceipt.id))
    )
    return [{**(_row(receipt) or {}), "notice_title": title} for receipt, title in rows]


def _checks(session: Session, account_id: int, photo_url: PhotoUrl) -> list[dict[str, Any]]:
    """The verification checks the rider sent on others' cases, with the photos they took."""
    photos: dict[int, list[dict[str, Any]]] = {}
    for photo in session.exec(
        select(ReportPhoto)
        .where(ReportPhoto.uploaded_by_id == account_id, ReportPhoto.kind == PhotoKind.CHECK)
        .order_by(col(ReportPhoto.id))
    ):
        ready = photo.is_served
        photos.setdefault(photo.report_id, []).append(
            {
                "ready": ready,
                "url": photo_url(photo.display_key) if ready else None,
                "thumbnail_url": photo_url(photo.thumbnail_key) if ready else None,
            }
        )
    rows = session.exec(
        select(VerificationTask)
        .where(VerificationTask.submitted_by_id == account_id)
        .order_by(col(VerificationTask.id))
    )
    return [
        {
            "id": check.id,
            "report_id": check.report_id,
            "note": check.note,
            "submitted_at": check.submitted_at.isoformat() if check.submitted_at else None,
            "photos": photos.get(check.report_id, []),
        }
        for check in rows
    ]
