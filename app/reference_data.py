"""Reference data that a migrated empty database needs to take reports: the categories."""

from typing import Any

from sqlalchemy import Connection, insert, select

from app.categories.models import Category
from app.categories.standard import STANDARD_CATEGORIES, STANDARD_GROUPS


def standard_category_rows() -> list[dict[str, Any]]:
    """The standard taxonomy as rows of the category table."""
    groups = {group.code: group for group in STANDARD_GROUPS}
    return [
        {
            "code": item.code,
            "name_zh": item.name_zh,
            "name_en": item.name_en,
            "group": item.group_code,
            "group_name_zh": groups[item.group_code].name_zh,
            "group_name_en": groups[item.group_code].name_en,
            "kind": item.kind,
            "time_limit_hours": item.time_limit_hours,
            "wall_clock": item.wall_clock,
            "urgent": item.urgent_by_default,
            "common": item.common,
            "default_unit_type": item.default_unit_type,
            "points": item.points,
            "active": True,
        }
        for item in STANDARD_CATEGORIES
    ]


def install_reference_data(connection: Connection) -> None:
    """Insert the standard categories that are not there yet."""
    table = Category.__table__  # type: ignore[attr-defined]
    present = set(connection.execute(select(table.c.code)).scalars())
    rows = [row for row in standard_category_rows() if row["code"] not in present]
    if rows:
        connection.execute(insert(table), rows)
