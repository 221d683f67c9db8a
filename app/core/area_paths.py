"""Area paths ('/a/b/c/', each area's codes from the top): which lie at, below or above which."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, false, or_


def under_any(path_column: Any, area_paths: Sequence[str]) -> ColumnElement[bool]:
    """SQL: the row's path lies at or below one of `area_paths` (an indexable prefix match)."""
    if not area_paths:
        return false()
    return or_(*(path_column.startswith(path, autoescape=True) for path in area_paths))


def related_to_any(path_column: Any, area_paths: Sequence[str]) -> ColumnElement[bool]:
    """SQL: the row's area lies below, at or above one of `area_paths` (e.g. a grid's community)."""
    ancestors = {ancestor for path in area_paths for ancestor in ancestor_paths(path)}
    if not ancestors:
        return under_any(path_column, area_paths)
    return or_(under_any(path_column, area_paths), path_column.in_(sorted(ancestors)))


def ancestor_paths(path: str) -> list[str]:
    """'/a/b/c/' -> ['/a/', '/a/b/']: the paths of the areas above."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:depth]) + "/" for depth in range(1, len(codes))]
