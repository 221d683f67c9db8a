"""Report lists: the filters a queue is narrowed by, its order, and keyset cursors through it.

Every list is read in the order of an index that starts with its equality filters and ends with
(created_at, id), so that a page costs the same at the millionth report as at the first. Text
search, the date range and the area prefix are checked on the rows met in that order.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, and_, or_
from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.core.area_paths import under_any
from app.core.errors import Unprocessable
from app.core.inputs import DB_INT_MAX, year_in_range
from app.core.messages import Message
from app.grids.service import grid_by_code
from app.reports.access import reads_urgent_first, visible_reports
from app.reports.caller_phones import CallerView, caller_view_for
from app.reports.models import Report
from app.reports.states import ReportStatus

SEARCH_MAX_CHARS = 100
# A search term of digits this long or longer is also tried as (the end of) a caller's phone.
PHONE_DIGITS_MIN = 4


@dataclass(frozen=True)
class ReportFilter:
    """What a report list is narrowed to; None means "any"."""

    status: ReportStatus | None = None
    area_code: str | None = None
    category_code: str | None = None
    urgent: bool | None = None
    unassigned: bool | None = None
    text: str | None = None  # an id, a caller's phone (or its end), or words of the description
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive


def urgent_first(scope: Scope) -> bool:
    """Whether this scope's queue puts urgent reports on top."""
    return reads_urgent_first(scope.role)


def list_reports(
    session: Session, scope: Scope, filters: ReportFilter, *, cursor: str | None, limit: int
) -> tuple[list[Report], str | None]:
    """One page of the reports the scope may see, and the cursor of the next page (or None)."""
    position = ListPosition(by_urgency=urgent_first(scope))
    query = select(Report).where(
        visible_reports(scope), *filter_conditions(session, scope, filters)
    )
    if cursor is not None:
        query = query.where(position.after(position.decode(cursor)))
    rows = list(session.exec(query.order_by(*position.order_by()).limit(limit + 1)))
    page, more = rows[:limit], len(rows) > limit
    next_cursor = position.encode(page[-1]) if more else None
    return page, next_cursor


def filter_conditions(
    session: Session, scope: Scope, filters: ReportFilter
) -> list[ColumnElement[bool]]:
    """SQL conditions on Report for the filters (not the scope's visibility)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.status is not None:
        conditions.append(col(Report.status) == filters.status)
    if filters.category_code is not None:
        conditions.append(col(Report.category_code) == filters.category_code)
    if filters.urgent is not None:
        conditions.append(col(Report.urgent).is_(filters.urgent))
    if filters.unassigned is not None:
        grid = col(Report.grid_code)
        conditions.append(grid.is_(None) if filters.unassigned else grid.is_not(None))
    if filters.created_from is not None:
        conditions.append(col(Report.created_at) >= filters.created_from)
    if filters.created_to is not None:
        conditions.append(col(Report.created_at) < filters.created_to)
    if filters.area_code is not None:
        area = grid_by_code(session, filters.area_code)
        if area is None:
            raise Unprocessable.for_field(
                "grid", Message("accounts.no-area", code=filters.area_code)
            )
        # An area's reports include those assigned below it and its unassigned queue.
        conditions.append(under_any(Report.area_path, [area.path]))
    if filters.text:
        sees_callers = caller_view_for(scope.role) is not CallerView.HIDDEN
        conditions.append(_text_matches(filters.text, callers=sees_callers))
    return conditions


def _text_matches(text: str, *, callers: bool) -> ColumnElement[bool]:
    """The report's id is the term, or its description contains it, or (for those who see
    callers) its caller's phone ends with it."""
    matches = [col(Report.description).icontains(text, autoescape=True)]
    if text.isascii() and text.isdigit():
        if int(text) <= DB_INT_MAX:
            matches.append(col(Report.id) == int(text))
        if callers and len(text) >= PHONE_DIGITS_MIN:
            matches.append(col(Report.caller_phone).endswith(text, autoescape=True))
    return or_(*matches)


@dataclass(frozen=True)
class _Position:
    urgent: bool | None
    created_at: datetime
    id: int


@dataclass(frozen=True)
class ListPosition:
    """A list's order (newest first, urgent on top or not) and its opaque cursors."""

    by_urgency: bool

    def order_by(self) -> list[UnaryExpression[Any]]:
        order: list[UnaryExpression[Any]] = [col(Report.created_at).desc(), col(Report.id).desc()]
        if self.by_urgency:
            order.insert(0, col(Report.urgent).desc())
        return order

    def encode(self, last: Report) -> str:
        """A cursor that continues after `last` in this order."""
        position: dict[str, Any] = {"t": last.created_at.isoformat(), "i": last.id}
        if self.by_urgency:
            position["u"] = last.urgent
        return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> _Position:
        """The position in a cursor of this order; 422 for anything else."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            created_at = datetime.fromisoformat(raw["t"])
            report_id, urgent = raw["i"], raw.get("u")
            valid = (
                created_at.tzinfo is not None
                and year_in_range(created_at.year)
                and isinstance(report_id, int)
                and 0 < report_id <= DB_INT_MAX
                and isinstance(urgent, bool) == self.by_urgency
            )
        except (
            binascii.Error,
            UnicodeDecodeError,
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
        ):
            valid = False
        if not valid:
            raise Unprocessable.for_field("cursor", Message("reports.bad-cursor"))
        return _Position(urgent=urgent, created_at=created_at, id=report_id)

    def after(self, cursor: _Position) -> ColumnElement[bool]:
        """SQL: the rows that come after the cursor's in this order."""
        created_at, report_id, urgent = col(Report.created_at), col(Report.id), col(Report.urgent)
        older = or_(
            created_at < cursor.created_at,
            and_(created_at == cursor.created_at, report_id < cursor.id),
        )
        if cursor.urgent is None:
            return older
        if cursor.urgent:
            return or_(urgent.is_(False), and_(urgent.is_(True), older))
        return and_(urgent.is_(False), older)
