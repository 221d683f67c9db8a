"""An Open311 POST as a report draft: the spec's fields mapped onto Tantou's submission."""

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.grids.crs import CoordinateSystem
from app.grids.geometry import interior_point, parse_grid_geometry
from app.grids.models import LEVEL_DEPTH, Grid
from app.open311.service import URGENT_ATTRIBUTE
from app.reports.models import Channel
from app.reports.service import ReportDraft, SubmittedPoint

DESCRIPTION_MAX_CHARS = 2_000
# Retries of one request name the same report; the date keeps a caller's report of the same
# problem next week from being taken for a retry of today's.
_CLIENT_ID_NAMESPACE = uuid.UUID("5b0e6c4e-3a51-4e1f-9c0e-7f3b0d9a3111")
_GRID_SUFFIX = re.compile(r"网格$")


class RequestInvalid(ValueError):
    """A POST the spec's 400 refuses; the message names the field."""


@dataclass(frozen=True)
class Open311Request:
    """The fields of a POST that Tantou uses (`api_key` and `media` are taken apart)."""

    service_code: str
    lat: float | None
    lon: float | None
    address_string: str
    address_id: str
    description: str
    media_url: str
    caller_name: str | None
    caller_phone: str | None
    urgent: bool

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> "Open311Request":
        service_code = form.get("service_code", "").strip()
        if not service_code:
            raise RequestInvalid("service_code is required")
        lat, lon = _coordinate(form, "lat", 90), _coordinate(form, "long", 180)
        if (lat is None) != (lon is None):
            raise RequestInvalid("send lat and long together")
        description = form.get("description", "").strip()
        if len(description) > DESCRIPTION_MAX_CHARS:
            raise RequestInvalid(f"description: at most {DESCRIPTION_MAX_CHARS} characters")
        name = " ".join(p for p in (form.get("first_name", ""), form.get("last_name", "")) if p)
        return cls(
            service_code=service_code[:8],
            lat=lat,
            lon=lon,
            address_string=form.get("address_string", "").strip()[:500],
            address_id=form.get("address_id", "").strip()[:32],
            description=description,
            media_url=form.get("media_url", "").strip()[:2_000],
            caller_name=name.strip()[:50] or None,
            caller_phone=form.get("phone", "").strip()[:20] or None,
            urgent=_flag(form.get(f"attribute[{URGENT_ATTRIBUTE}]", "false")),
        )

    def client_id(self, media: bytes | None, today: date) -> str:
        """The same request sent again on the same day names the same report."""
        media_part = "" if media is None else uuid.uuid5(_CLIENT_ID_NAMESPACE, media.hex()).hex
        name = "|".join(
            str(part)
            for part in (
                today.isoformat(),
                self.service_code,
                self.lat,
                self.lon,
                self.address_string,
                self.address_id,
                self.description,
                self.media_url,
                self.caller_name,
                self.caller_phone,
                self.urgent,
                media_part,
            )
        )
        return str(uuid.uuid5(_CLIENT_ID_NAMESPACE, name))


def draft_of(
    session: Session, request: Open311Request, *, client_id: str, photos: tuple[bytes, ...]
) -> ReportDraft:
    """The report draft for a request; its point from lat/long, else from its address."""
    point: SubmittedPoint | None
    if request.lat is not None and request.lon is not None:
        point = SubmittedPoint(lat=request.lat, lon=request.lon, crs=CoordinateSystem.WGS84)
    else:
        point = _point_of_address(session, request)
    return ReportDraft(
        client_id=client_id,
        category_code=request.service_code,
        description=request.description,
        point=point,
        accuracy_m=None,
        urgent=request.urgent,
        channel=Channel.API,
        caller_name=request.caller_name,
        caller_phone=request.caller_phone,
        photos=photos,
    )


def _point_of_address(session: Session, request: Open311Request) -> SubmittedPoint | None:
    """A point inside the grid the address names: `address_id` as a grid code, else the deepest
    area whose name appears in `address_string` (no geocoder is reachable offline)."""
    grid = None
    if request.address_id:
        grid = session.exec(select(Grid).where(Grid.code == request.address_id)).first()
    elif request.address_string:
        grid = _deepest_named_in(session, request.address_string)
    if grid is None:
        if request.address_id or request.address_string:
            raise RequestInvalid("no grid of this service area matches the address")
        return None  # the photo's GPS, if any, places the report
    lon, lat = interior_point(parse_grid_geometry(_geometry(grid)))
    return SubmittedPoint(lat=lat, lon=lon, crs=CoordinateSystem.WGS84)


def _deepest_named_in(session: Session, address: str) -> Grid | None:
    named = [
        grid
        for grid in session.exec(select(Grid).order_by(col(Grid.code)))
        if grid.name in address or _GRID_SUFFIX.sub("", grid.name) in address
    ]
    return max(named, key=lambda g: (LEVEL_DEPTH[g.level], len(g.name)), default=None)


def _geometry(grid: Grid) -> dict[str, object]:
    geometry: dict[str, object] = json.loads(grid.geometry)
    return geometry


def _coordinate(form: Mapping[str, str], name: str, bound: float) -> float | None:
    raw = form.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise RequestInvalid(f"{name} is not a number") from None
    if not -bound <= value <= bound:
        raise RequestInvalid(f"{name} must lie between -{bound:g} and {bound:g}")
    return value


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("true", "false", "1", "0", ""):
        raise RequestInvalid(f"attribute[{URGENT_ATTRIBUTE}] is true or false")
    return value in ("true", "1")
