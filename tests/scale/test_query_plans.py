"""Every list a person pages through is read from an index in its own order: the database's
EXPLAIN of the real service query shows no sort of the whole set and no full scan of its table.

The database is built by the migrations, as a deployment's is: SQLite, which plans without
statistics there, settles a tie between equally good indexes in favour of the newest. On
PostgreSQL the list's tables are filled and analysed first, so that the planner costs plans as
on tables in use."""

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlmodel import Session

from app.accounts.models import AccountStatus, Role
from app.accounts.scope import Scope
from app.cases.service import list_tasks
from app.cases.states import TaskStatus
from app.core.db import create_db_engine, metadata
from app.core.migrations import upgrade_to_head
from app.core.types import StrEnumType
from app.inbox.service import inbox_counts
from app.maps import service as map_service
from app.maps.viewport import parse_bbox
from app.notifications.service import list_notifications
from app.points.service import recent_entries
from app.push.dispatch import dispatch_new
from app.push.subscriptions import subscriptions_of
from app.reports.likely_duplicates import likely_duplicates
from app.reports.listing import ReportFilter, list_reports
from app.reports.models import Report
from app.reports.reading import nearby_reports
from app.reports.states import OPEN_REPORT_STATUSES, ReportStatus
from app.rewards.models import RedemptionStatus
from app.rewards.service import redemptions_in_scope, redemptions_of_rider
from app.riders.models import Platform, RiderProfile
from app.riders.service import list_riders
from app.verifications import service as verification_service
from app.verifications.nearest import nearest_riders
from tests.factories import COMMUNITY, GRID_POINT, seed_grids
from tests.fixtures.reports import GARBAGE
from tests.postgres import Cluster

ADMIN = Scope(account_id=1, role=Role.ADMIN, area_paths=None, unit_id=None)
STREET = Scope(account_id=1, role=Role.COORDINATOR, area_paths=("/34/3411/",), unit_id=None)
UNIT = Scope(account_id=1, role=Role.UNIT, area_paths=(), unit_id=1)
RIDER = RiderProfile(
    account_id=1, name="-", phone="-", platform=Platform.OTHER, community_code=COMMUNITY, team_id=1
)
PLANNER_ROWS = 20_000
_database_numbers = itertools.count()


@dataclass(frozen=True)
class ListCase:
    """A list's service call, the tables it reads (its own first), the index it should use, and
    values every filled row takes (`table.column`: the common kind, where the list asks for a
    rare one, such as pending registrations among active riders)."""

    tables: tuple[str, ...]
    call: Callable[[Session], object]
    index: str
    common: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database built by the migrations, with the demo grids, on each backend."""
    admin: Engine | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'plans.db'}"
    else:
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        name = f"plans_{next(_database_numbers)}"
        admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        url = cluster.url(name)
    upgrade_to_head(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed_grids(session)
    yield engine
    engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def plan_session(migrated_engine: Engine) -> Iterator[Session]:
    """A transaction on that database; what a case fills in is rolled back after it."""
    with Session(migrated_engine) as session:
        yield session
        session.rollback()


def reports(scope: Scope, filters: ReportFilter, index: str) -> ListCase:
    return ListCase(
        ("report",), lambda s: list_reports(s, scope, filters, cursor=None, limit=50), index
    )


def captured_list_query(session: Session, case: ListCase) -> tuple[str, Any]:
    """The SQL and parameters the list call sends for its page of rows from its table."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if f"FROM {case.tables[0]}" in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        case.call(session)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen[0]


def fill_for_the_planner(session: Session, table_name: str, common: dict[str, str]) -> None:
    """PLANNER_ROWS rows of generated values (foreign keys unchecked), then fresh statistics.
    Enums cycle through their values, integers through 100, other strings all differ; one row
    in fifty leaves its nullable columns empty."""
    table = metadata.tables[table_name]
    unique = {c.name for con in table.constraints if isinstance(con, UniqueConstraint) for c in con}
    names, values = [], []
    for column in table.columns:
        if column.primary_key and column.autoincrement is True:
            continue
        names.append(f'"{column.name}"')
        if (value := common.get(f"{table_name}.{column.name}")) is not None:
            values.append(f"'{value}'")
        else:
            values.append(_generated(column, counts_up=column.primary_key or column.name in unique))
    connection = session.connection()
    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
    connection.exec_driver_sql(
        f"INSERT INTO {table_name} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM generate_series(1, {PLANNER_ROWS}) AS g"
    )
    connection.exec_driver_sql(f"ANALYZE {table_name}")


def _generated(column: Column[Any], *, counts_up: bool) -> str:
    kind = getattr(column.type, "impl", column.type)  # a TypeDecorator's stored type
    if isinstance(column.type, StrEnumType):
        members = ", ".join(f"'{member.value}'" for member in column.type.enum_class)
        value = f"(ARRAY[{members}])[mod(g, {len(column.type.enum_class)}) + 1]"
    elif isinstance(kind, Integer):
        value = "g" if counts_up else "mod(g, 100) + 1"
    elif isinstance(kind, Boolean):
        value = "mod(g, 2) = 0"
    elif isinstance(kind, Float):
        value = "g::float"
    elif isinstance(kind, DateTime):
        value = "now() - g * interval '1 minute'"
    elif isinstance(kind, JSON):
        value = "'[]'::json"
    else:
        length = getattr(kind, "length", None) or 32
        value = f"left(md5(g::text), {min(length, 32)})"
    return f"CASE WHEN mod(g, 50) = 0 THEN NULL ELSE {value} END" if column.nullable else value


def plan_lines(session: Session, statement: str, parameters: Any) -> list[str]:
    """SQLite's plan details, or the node types (with index or table) of PostgreSQL's JSON plan,
    costed with seq scans and sorts off: the cheapest plan that reads an index in the list's
    order (a Sort or Seq Scan still shows when no index can serve the list)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [str(row[-1]) for row in rows]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    plan = raw if isinstance(raw, list) else json.loads(raw)

    def walk(node: dict[str, Any]) -> list[str]:
        name = node.get("Index Name") or node.get("Relation Name") or ""
        here = f"{node['Node Type']} {name}".strip()
        return [here, *(line for child in node.get("Plans", []) for line in walk(child))]

    return walk(plan[0]["Plan"])


LISTS = {
    "admin-unfiltered": reports(ADMIN, ReportFilter(), "ix_report_urgent_created"),
    "admin-submitted": reports(
        ADMIN, ReportFilter(status=ReportStatus.SUBMITTED), "ix_report_status_urgent_created"
    ),
    "street-submitted": reports(
        STREET, ReportFilter(status=ReportStatus.SUBMITTED), "ix_report_status_urgent_created"
    ),
    "street-searched-in-a-month": reports(
        STREET,
        ReportFilter(
            status=ReportStatus.SUBMITTED,
            text="1234",
            created_from=datetime(2026, 3, 1, tzinfo=UTC),
            created_to=datetime(2026, 4, 1, tzinfo=UTC),
        ),
        "ix_report_status_urgent_created",
    ),
    "admin-searched": reports(ADMIN, ReportFilter(text="垃圾"), "ix_report_urgent_created"),
    "unassigned-submitted": reports(
        STREET,
        ReportFilter(status=ReportStatus.SUBMITTED, unassigned=True),
        "ix_report_unassigned_status_urgent_created",
    ),
    "unassigned-all": reports(
        STREET, ReportFilter(unassigned=True), "ix_report_unassigned_urgent_created"
    ),
    "unit-tasks": ListCase(
        ("task",),
        lambda s: list_tasks(s, UNIT, status=None, report_id=None, before_id=None, limit=51),
        "ix_task_unit_id",
    ),
    "unit-open-tasks": ListCase(
        ("task",),
        lambda s: list_tasks(
            s, UNIT, status=TaskStatus.OPEN, report_id=None, before_id=None, limit=51
        ),
        "ix_task_unit_status_id",
    ),
    "pending-riders": ListCase(
        ("rider_profile", "account"),
        lambda s: list_riders(
            s,
            STREET,
            status=AccountStatus.PENDING,
            community_code=None,
            team_id=None,
            after_id=None,
            limit=50,
        ),
        "ix_account_status_id",
        common={"account.status": AccountStatus.ACTIVE},
    ),
    "community-riders": ListCase(
        ("rider_profile", "account"),
        lambda s: list_riders(
            s, STREET, status=None, community_code=COMMUNITY, team_id=None, after_id=None, limit=50
        ),
        "ix_rider_profile_community_account",
    ),
    "pending-redemptions": ListCase(
        ("redemption",),
        lambda s: redemptions_in_scope(
            s, STREET, status=RedemptionStatus.PENDING, before_id=None, limit=50
        ),
        "ix_redemption_status_id",
        common={"redemption.status": RedemptionStatus.ISSUED},
    ),
    "rider-redemptions": ListCase(
        ("redemption",),
        lambda s: redemptions_of_rider(s, 1, before_id=None, limit=50),
        "ix_redemption_rider_id",
    ),
    "notifications": ListCase(
        ("notification",),
        lambda s: list_notifications(s, 1, limit=30),
        "ix_notification_account_id",
    ),
    "unread-notifications": ListCase(
        ("notification",),
        lambda s: list_notifications(s, 1, unread_only=True, limit=30),
        "ix_notification_unread",
    ),
    "rider-verifications": ListCase(
        ("verification_task", "verification_offer", "report"),
        lambda s: verification_service.for_rider(s, RIDER, status=None, limit=50),
        "ix_verification_offer_rider_verification",
    ),
    "push-subscriptions": ListCase(
        ("push_subscription",),
        lambda s: subscriptions_of(s, 1),
        "ix_push_subscription_account_id",
    ),
    # Not a person's list, but read at every round of the push worker: a rare few among all.
    "undispatched-notifications": ListCase(
        ("notification",),
        lambda s: dispatch_new(s, [], now=datetime.now(UTC), limit=200),
        "ix_notification_undispatched",
    ),
    "points-entries": ListCase(
        ("points_entry",),
        lambda s: recent_entries(s, 1, limit=100),
        "ix_points_entry_rider_created",
    ),
}


@pytest.mark.parametrize("name", LISTS)
def test_lists_read_their_index_in_order(plan_session: Session, name: str) -> None:
    session, case = plan_session, LISTS[name]
    query = captured_list_query(session, case)
    if session.get_bind().dialect.name == "postgresql":
        for table in case.tables:
            fill_for_the_planner(session, table, case.common)
    lines = plan_lines(session, *query)
    text = " | ".join(lines)
    assert any(case.index in line for line in lines), text
    assert "TEMP B-TREE" not in text, text
    assert "Sort" not in lines, text
    assert not any(
        line in (f"SCAN {case.tables[0]}", f"Seq Scan {case.tables[0]}") for line in lines
    ), text


def test_the_map_viewport_counts_and_clusters_from_one_index(
    plan_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a list (no order to keep): its count and its GROUP BY read only the index, whatever
    the number of reports in the box."""
    session = plan_session
    monkeypatch.setattr(map_service, "MAX_MARKERS", -1)  # clusters even for an empty box
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM report" in statement:
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        map_service.viewport(
            session,
            STREET,
            parse_bbox("117.32,32.62,117.95,33.05"),
            zoom=12,
            statuses=sorted(OPEN_REPORT_STATUSES),
            category=None,
            urgent=None,
        )
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert len(seen) == 2  # the count, then the clusters
    if session.get_bind().dialect.name == "postgresql":
        fill_for_the_planner(session, "report", {})
    for statement, parameters in seen:
        lines = plan_lines(session, statement, parameters)
        text = " | ".join(lines)
        assert any("ix_report_status_lat_lon" in line for line in lines), text
        assert not any(line in ("SCAN report", "Seq Scan report") for line in lines), text


def test_likely_duplicates_read_the_nearby_reports_from_an_index(plan_session: Session) -> None:
    """Not a list either: the candidates in the report's box (category, days, open cases, the
    coordinator's area) come from an index, never from a scan of every report."""
    session = plan_session
    lon, lat = GRID_POINT
    report = Report(
        id=1, category_code=GARBAGE, lon=lon, lat=lat, created_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if re.search(r"FROM report\b(?!_)", statement):
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        likely_duplicates(session, STREET, report, radius_m=100, days=7)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = seen
    if session.get_bind().dialect.name == "postgresql":
        fill_for_the_planner(session, "report", {})
    lines = plan_lines(session, statement, parameters)
    text = " | ".join(lines)
    assert any("ix_report_category_created" in line for line in lines), text
    assert not any(line in ("SCAN report", "Seq Scan report") for line in lines), text


def test_nearby_of_every_category_reads_the_status_lat_lon_index(plan_session: Session) -> None:
    """身边事: open reports of any category around a point, a box on the map's index."""
    session = plan_session
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM report" in statement:
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        nearby_reports(
            session,
            lon=117.5325,
            lat=32.854,
            category_code=None,
            radius_m=1_000,
            days=7,
            photo_url=lambda key: key,
        )
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    if session.get_bind().dialect.name == "postgresql":
        fill_for_the_planner(session, "report", {})
    [(statement, parameters)] = seen
    lines = plan_lines(session, statement, parameters)
    text = " | ".join(lines)
    assert any("ix_report_status_lat_lon" in line for line in lines), text
    assert not any(line in ("SCAN report", "Seq Scan report") for line in lines), text


def test_the_riders_nearest_a_case_are_found_from_one_index(plan_session: Session) -> None:
    """Not a list either: the recent reports in a box around the case, read from the index
    alone (grouped by reporter), never a scan of all reports."""
    session = plan_session
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM report" in statement:
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        lon, lat = GRID_POINT
        nearest_riders(session, lon=lon, lat=lat, exclude_account_id=1)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = seen
    if session.get_bind().dialect.name == "postgresql":
        for table in ("report", "account"):
            fill_for_the_planner(session, table, {})
    lines = plan_lines(session, statement, parameters)
    text = " | ".join(lines)
    assert any("ix_report_created_lat_lon" in line for line in lines), text
    assert not any(line in ("SCAN report", "Seq Scan report") for line in lines), text


def test_the_inbox_counts_each_search_an_index(plan_session: Session) -> None:
    """Not lists either: each of a street coordinator's inbox counts (read after every live
    event) reads the rows of its kind through an index, never a whole table."""
    session = plan_session
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        inbox_counts(session, STREET)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    counts = [(statement, parameters) for statement, parameters in seen if "count(" in statement]
    assert len(counts) == 6
    tables = ("report", "task", "rider_profile", "account", "notification")
    if session.get_bind().dialect.name == "postgresql":
        for table in tables:
            fill_for_the_planner(session, table, {"account.status": AccountStatus.ACTIVE})
    for statement, parameters in counts:
        lines = plan_lines(session, statement, parameters)
        text = " | ".join(lines)
        assert not any(
            line in (f"SCAN {table}", f"Seq Scan {table}") for table in tables for line in lines
        ), text
