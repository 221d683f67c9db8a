"""Callers' phones in recorded reports (phone, WeChat, message): who sees what, and the audit.

A coordinator who records a call needs the caller's name to follow it up, not the whole number
on every screen: area managers see the number masked (138****1234). An admin sees it whole on
one report's page, and each such view is written down (who, when, which report) before the
number is shown, so that a failed audit shows nothing. Lists, the live stream and webhooks never
carry a whole number.
"""

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import Engine

from app.accounts.access import ADMINS, AREA_MANAGERS
from app.accounts.models import Role
from app.core.db import session_scope
from app.core.phones import mask_phone
from app.reports.models import CallerPhoneView, Report


class CallerView(StrEnum):
    """How much of a recorded report's caller a viewer gets."""

    HIDDEN = "hidden"  # no name, no phone
    MASKED = "masked"  # the name and 138****1234
    FULL = "full"  # the name and the whole number (audited)


def caller_view_for(role: Role, *, one_report: bool = False) -> CallerView:
    """Admins see the whole number only on one report's page; area managers otherwise a masked
    one; riders, units and integrations nothing of the caller."""
    if not AREA_MANAGERS.admits(role):
        return CallerView.HIDDEN
    if one_report and ADMINS.admits(role):
        return CallerView.FULL
    return CallerView.MASKED


def shown_phone(phone: str | None, view: CallerView) -> str | None:
    """The caller's phone as `view` shows it."""
    if phone is None or view is CallerView.HIDDEN:
        return None
    return phone if view is CallerView.FULL else mask_phone(phone)


def record_views(
    engine: Engine, reports: Sequence[Report], view: CallerView, viewer_id: int
) -> None:
    """Write one audit row per report whose whole caller phone `view` shows, in a transaction
    of its own, committed before the answer goes out."""
    if view is not CallerView.FULL:
        return
    shown = [report.id for report in reports if report.caller_phone and report.id is not None]
    if not shown:
        return
    with session_scope(engine) as session:
        session.add_all(CallerPhoneView(report_id=rid, viewer_id=viewer_id) for rid in shown)
        session.commit()
