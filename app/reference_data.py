"""Reference data that a migrated empty database needs to take reports: the categories and the
default points rules."""

from typing import Any

from sqlalchemy import Connection, insert, inspect, select

from app.categories.models import Category
from app.categories.standard import STANDARD_CATEGORIES, STANDARD_GROUPS
from app.core.clock import utcnow
from app.points.models import PointsRule
from app.points.rules import DEFAULT_RULES


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


def default_points_rule_rows() -> list[dict[str, Any]]:
    """The default points rules (志愿服务积分兑换细则) as rows of the points_rule table."""
    now = utcnow()
    return [
        {
            "code": rule.code,
            "points": rule.points,
            "name_zh": rule.name_zh,
            "name_en": rule.name_en,
            "updated_at": now,
        }
        for rule in DEFAULT_RULES
    ]


def install_reference_data(connection: Connection) -> None:
    """Insert the standard categories and points rules that are not there yet (admins' edits
    of those present are kept)."""
    _insert_missing(connection, Category.__table__, standard_category_rows())  # type: ignore[attr-defined]
    _insert_missing(connection, PointsRule.__table__, default_points_rule_rows())  # type: ignore[attr-defined]


def _insert_missing(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    # A migration written before a table existed calls this too; the migration that creates
    # the table installs its rows.
    if not inspect(connection).has_table(table.name):
        return
    present = set(connection.execute(select(table.c.code)).scalars())
    missing = [row for row in rows if row["code"] not in present]
    if missing:
        connection.execute(insert(table), missing)
