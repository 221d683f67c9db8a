"""Grids: GeoJSON import, listing, and which areas lie below which."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.core import generations
from app.core.clock import utcnow
from app.core.errors import FieldError, Unprocessable
from app.core.messages import Message, MessageError
from app.grids.geometry import GeometryError, parse_grid_geometry, to_geojson
from app.grids.models import LEVEL_DEPTH, Grid, GridLevel

CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 100
# The generation (app/core/generations.py) that tells every process to rebuild its grid index.
GRIDS_GENERATION = "grids"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@dataclass(frozen=True)
class _ValidFeature:
    code: str
    name: str
    level: GridLevel
    parent_code: str | None
    geometry_json: str


def import_feature_collection(session: Session, collection: Any) -> ImportResult:
    """Create or update grids by code; refuses the whole file if any feature is invalid."""
    features = _validate_collection(session, collection)
    existing = {
        grid.code: grid
        for grid in session.exec(
            select(Grid).where(Grid.code.in_([f.code for f in features]))  # type: ignore[attr-defined]
        )
    }
    paths: dict[str, str] = dict(session.exec(select(Grid.code, Grid.path)).all())
    created = updated = 0
    now = utcnow()
    # Parents first, so that every child finds its parent's path.
    for feature in sorted(features, key=lambda f: LEVEL_DEPTH[f.level]):
        parent_path = paths[feature.parent_code] if feature.parent_code else "/"
        path = f"{parent_path}{feature.code}/"
        grid = existing.get(feature.code)
        if grid is None:
            grid = Grid(code=feature.code, path=path, name="", level=feature.level, geometry="")
            created += 1
        else:
            updated += 1
        grid.name, grid.level, grid.parent_code = feature.name, feature.level, feature.parent_code
        grid.path, grid.geometry, grid.updated_at = path, feature.geometry_json, now
        paths[feature.code] = path
        session.add(grid)
        session.flush()
    generations.bump(session, GRIDS_GENERATION)  # every process rebuilds its index
    return ImportResult(created=created, updated=updated)


def _validate_collection(session: Session, collection: Any) -> list[_ValidFeature]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise Unprocessable.for_field("file", Message("grids.not-a-collection"))
    raw_features = collection.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise Unprocessable.for_field("features", Message("grids.no-features"))
    errors: list[FieldError] = []
    valid: list[_ValidFeature] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_features):
        label = f"features[{index}]"
        try:
            feature = _validate_feature(raw)
        except MessageError as exc:
            errors.append((label, exc.message))
            continue
        label = f"features[{index}] ({feature.code})"
        if feature.code in seen:
            errors.append((label, Message("grids.code-twice", code=feature.code)))
        seen.add(feature.code)
        valid.append(feature)
    stored = session.exec(select(Grid.code, Grid.level).where(col(Grid.code).not_in(seen))).all()
    known_levels = {code: GridLevel(level) for code, level in stored}
    known_levels |= {f.code: f.level for f in valid}
    for feature in valid:
        if message := _parent_problem(feature, known_levels):
            errors.append((f"feature {feature.code}", message))
    if errors:
        raise Unprocessable(Message("grids.features-refused", count=len(errors)), errors=errors)
    return valid


def _validate_feature(raw: Any) -> _ValidFeature:
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        raise MessageError(Message("grids.not-a-feature"))
    properties = raw.get("properties")
    if not isinstance(properties, dict):
        raise MessageError(Message("grids.no-properties"))
    code, name = properties.get("code"), properties.get("name")
    if not isinstance(code, str) or not code.isascii() or not code.isalnum():
        raise MessageError(Message("grids.bad-code"))
    if len(code) > CODE_MAX_LENGTH:
        raise MessageError(Message("grids.code-too-long", max_length=CODE_MAX_LENGTH))
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX_LENGTH:
        raise MessageError(Message("grids.bad-name", max_length=NAME_MAX_LENGTH))
    try:
        level = GridLevel(str(properties.get("level")))
    except ValueError:
        raise MessageError(Message("grids.bad-level")) from None
    parent_code = properties.get("parent_code") or None
    if parent_code is not None and not isinstance(parent_code, str):
        raise MessageError(Message("grids.bad-parent-code"))
    try:
        geometry = parse_grid_geometry(raw.get("geometry"))  # type: ignore[arg-type]
    except GeometryError as exc:
        raise MessageError(Message("grids.bad-geometry", problem=str(exc))) from None
    geometry_json = json.dumps(to_geojson(geometry), separators=(",", ":"))
    return _ValidFeature(code, name.strip(), level, parent_code, geometry_json)


def _parent_problem(feature: _ValidFeature, known_levels: dict[str, GridLevel]) -> Message | None:
    if feature.parent_code is None:
        if feature.level is GridLevel.COUNTY:
            return None
        return Message("grids.needs-parent", level=feature.level.value)
    parent_level = known_levels.get(feature.parent_code)
    if parent_level is None:
        return Message("grids.unknown-parent", code=feature.parent_code)
    if LEVEL_DEPTH[parent_level] >= LEVEL_DEPTH[feature.level]:
        return Message(
            "grids.bad-parent-level", parent=parent_level.value, level=feature.level.value
        )
    return None


def feature_collection(session: Session, *, level: GridLevel | None = None) -> dict[str, Any]:
    """All grids (or those of one level) as an RFC 7946 FeatureCollection."""
    query = select(Grid).order_by(Grid.path)
    if level is not None:
        query = query.where(Grid.level == level)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": grid.code,
                "geometry": json.loads(grid.geometry),
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "level": grid.level,
                    "parent_code": grid.parent_code,
                },
            }
            for grid in session.exec(query)
        ],
    }


def grid_by_code(session: Session, code: str) -> Grid | None:
    """One grid or area by its code."""
    return session.exec(select(Grid).where(Grid.code == code)).first()


def paths_of(session: Session, codes: Sequence[str]) -> list[str]:
    """The paths of the areas named by `codes` (unknown codes are left out)."""
    if not codes:
        return []
    return list(session.exec(select(Grid.path).where(Grid.code.in_(codes))))  # type: ignore[attr-defined]
