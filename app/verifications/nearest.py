"""Which riders are near a case: from the points of their own recent reports, never a tracked
position (the app never sends one)."""

import math
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus, Role
from app.core.clock import utcnow
from app.grids.crs import distance_m
from app.reports.models import Report

METRES_PER_DEGREE_LAT = 111_320.0
# A check is offered to this many riders at most, within this distance of the case, counting
# reports of this many days: a rider who passed by last month is likely to pass again.
NEAREST_RIDERS = 5
OFFER_RADIUS_M = 3_000.0
RECENT_REPORT_DAYS = 30


def nearest_riders(
    session: Session, *, lon: float, lat: float, exclude_account_id: int
) -> list[int]:
    """Active riders (account ids) with a recent report within OFFER_RADIUS_M of (lon, lat),
    nearest first.

    The last RECENT_REPORT_DAYS on ix_report_created_lat_lon, the box checked in the index
    (read from the index alone), each rider's nearest report by an equirectangular distance
    (exact enough over a few kilometres)."""
    lat_delta = OFFER_RADIUS_M / METRES_PER_DEGREE_LAT
    lon_scale = max(math.cos(math.radians(lat)), 0.01)
    lon_delta = lat_delta / lon_scale
    square_deg = func.min(
        (col(Report.lat) - lat) * (col(Report.lat) - lat)
        + (col(Report.lon) - lon) * (col(Report.lon) - lon) * (lon_scale * lon_scale)
    ).label("square_deg")
    # Reporters in the box first, as a subquery: the planner starts from the box, not from
    # every active account.
    # "+ 0": grouped by the column itself, SQLite would rather walk ix_report_reporter_created
    # (every report, in reporter order) than read the period's box and sort.
    reporter = (col(Report.reporter_id) + 0).label("account_id")
    in_box = (
        select(
            reporter,
            square_deg,
            func.max(col(Report.created_at)).label("reported_at"),
        )
        .where(
            col(Report.lat).between(lat - lat_delta, lat + lat_delta),
            col(Report.lon).between(lon - lon_delta, lon + lon_delta),
            col(Report.created_at) >= utcnow() - timedelta(days=RECENT_REPORT_DAYS),
            col(Report.reporter_id) != exclude_account_id,
        )
        .group_by(reporter)
        .having(square_deg <= lat_delta * lat_delta)
        .subquery()
    )
    query = (
        select(in_box.c.account_id)
        .join(Account, col(Account.id) == in_box.c.account_id)
        .where(Account.role == Role.RIDER, Account.status == AccountStatus.ACTIVE)
        # At the same distance, who reported last is likelier to be about.
        .order_by(in_box.c.square_deg, in_box.c.reported_at.desc(), in_box.c.account_id)
        .limit(NEAREST_RIDERS)
    )
    return list(session.exec(query))


def last_reported_point(session: Session, account_id: int) -> tuple[float, float] | None:
    """(lon, lat) of the rider's latest report (ix_report_reporter_created), if any."""
    row = session.exec(
        select(Report.lon, Report.lat)
        .where(Report.reporter_id == account_id)
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def distance_from_point_m(point: tuple[float, float] | None, report: Report) -> float | None:
    """Metres from (lon, lat) to the report, or None without a point."""
    if point is None:
        return None
    return distance_m(point[0], point[1], report.lon, report.lat)
