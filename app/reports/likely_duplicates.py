"""Likely duplicates of a report: the open cases of its category close by from the days around
it, the most alike photos first.

The candidates come from the nearby look-up (the category's index, a bounding box); each is
ranked by the Hamming distance between the perceptual hashes of its photos and the report's
(the closest pair), then by distance, then by how far apart in time they came in. The hashes
were made once at intake, so ranking reads short strings and decodes no image.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from app.accounts.scope import Scope
from app.photos.perceptual import hash_distance
from app.reports.access import visible_reports
from app.reports.models import PhotoKind, Report, ReportPhoto
from app.reports.reading import reports_near
from app.reports.states import MERGE_TARGET_STATUSES

LIKELY_MAX_ITEMS = 10
# Ranked after any photo comparison: a candidate without hashed photos (or a report without).
_NOT_COMPARED = 65


@dataclass(frozen=True)
class LikelyDuplicate:
    report: Report
    distance_m: float
    # Bits of 64 that differ between the closest pair of photos; None if either has none hashed.
    photo_distance: int | None


def likely_duplicates(
    session: Session, scope: Scope, report: Report, *, radius_m: float, days: int
) -> list[LikelyDuplicate]:
    """The open cases the caller may see that `report` most likely duplicates, best first."""
    near = reports_near(
        session,
        lon=report.lon,
        lat=report.lat,
        category_code=report.category_code,
        radius_m=radius_m,
        since=report.created_at - timedelta(days=days),
        statuses=MERGE_TARGET_STATUSES,
        conditions=[col(Report.id) != report.id, visible_reports(scope)],
    )
    hashes = _before_photo_hashes(session, [report.id, *(case.id for _, case in near)])
    own = hashes.get(report.id or 0, [])
    found = [
        LikelyDuplicate(case, distance, _closest_pair(own, hashes.get(case.id or 0, [])))
        for distance, case in near
    ]
    found.sort(
        key=lambda likely: (
            _NOT_COMPARED if likely.photo_distance is None else likely.photo_distance,
            likely.distance_m,
            abs(likely.report.created_at - report.created_at),
            likely.report.id or 0,
        )
    )
    return found[:LIKELY_MAX_ITEMS]


def _closest_pair(first: list[str], second: list[str]) -> int | None:
    return min((hash_distance(a, b) for a in first for b in second), default=None)


def _before_photo_hashes(session: Session, report_ids: list[int | None]) -> dict[int, list[str]]:
    rows = session.exec(
        select(ReportPhoto.report_id, ReportPhoto.phash).where(
            col(ReportPhoto.report_id).in_([i for i in report_ids if i is not None]),
            ReportPhoto.kind == PhotoKind.BEFORE,
            col(ReportPhoto.phash).is_not(None),
        )
    )
    hashes: dict[int, list[str]] = defaultdict(list)
    for report_id, phash in rows:
        if phash is not None:
            hashes[report_id].append(phash)
    return hashes
