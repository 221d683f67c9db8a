"""Four months of the demo county's past: reports, cases, tasks, ratings and points.

Each report lives a plausible life (accepted or rejected, dispatched to its category's unit of
its community, taken, done within or beyond the time limit, now and then sent back for rework,
verified and closed, rated by its reporter), cut off where its next step would lie after now,
so that recent reports are still open and some tasks are overdue. The history comes from a
fixed seed, its times counted back from now: the same demo each time, always current. Rows are
written directly (no notifications or webhooks for the past), then the figures are recounted
in SQL as `tantou rebuild-figures` does, in the caller's transaction.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus
from app.cases.models import Task
from app.cases.states import TaskStatus
from app.categories.models import Category
from app.core import clock
from app.demo.fengyang import demo_grids
from app.figures.rebuild import recount_figures
from app.grids.models import Grid, GridLevel
from app.points.rules import EntryKind, PointsRuleCode
from app.points.service import lock_account, post_entry, rule_value
from app.reports.models import Report, ReportEvent, ReportEventKind, ReportRating
from app.reports.states import ReportStatus
from app.riders.models import Platform
from app.riders.privacy_notice import CURRENT_NOTICE
from app.riders.service import register_rider
from app.units.models import Unit

SEED = 20261207
HISTORY_DAYS = 120
REPORTS_PER_DAY = 4.5  # on a weekday; weekends see fewer
FRESH_REPORTS = 4  # sent in the last three hours, waiting in the queue
HOUR = timedelta(hours=1)
RIDER_NAMES = ("李师傅", "王师傅", "刘师傅", "陈师傅", "杨师傅", "赵师傅")
# The categories riders report most, by weight; the rest of the taxonomy now and then.
FREQUENT = {"0102": 9, "0507": 6, "0504": 5, "0601": 4, "0505": 4, "0603": 4, "0201": 3}
DESCRIPTIONS = {
    "0102": ("垃圾桶满溢，周边散落垃圾", "小区门口暴露垃圾无人清运", "路边堆放生活垃圾"),
    "0507": ("楼道堆放杂物", "人行道上乱堆建材", "单元门口堆放纸箱"),
    "0504": ("商户店外占道经营", "早餐店桌椅摆到人行道", "水果摊占用盲道"),
    "0601": ("消防通道被车辆堵塞", "消防通道堆放杂物", "消防车道被私家车占用"),
    "0505": ("机动车乱停放占用人行道", "路口违停影响通行"),
    "0603": ("有人随地吐痰、乱扔烟头", "广场噪音扰民", "遛狗不牵绳"),
    "0201": ("电线杆上张贴小广告", "单元门上贴满小广告"),
}
REJECTION = "经核实不属于网格管理事项"
REJECTED, STUCK, REWORK = 0.08, 0.03, 0.1  # the odds of each fate
RATING_STARS = (5, 5, 5, 5, 5, 4, 4, 4, 3, 2)
RATING_COMMENTS = {5: "处理及时，点赞", 4: "处理得不错", 3: "处理有点慢", 2: "问题反复出现"}


@dataclass
class Life:
    """A report's steps, each with its time; those after now have not happened."""

    report: Report
    steps: list[tuple[datetime, ReportStatus]] = field(default_factory=list)
    task: Task | None = None
    task_steps: list[tuple[datetime, ReportEventKind]] = field(default_factory=list)


def seed_history(session: Session, coordinator_id: int) -> int:
    """Seed the past (flushes; the caller commits); returns how many reports it made.

    `coordinator_id` is who accepted, dispatched and verified."""
    rng = random.Random(SEED)
    now = clock.utcnow()
    riders = _riders(session)
    grids = _grid_cells(session)
    categories = {c.code: c for c in session.exec(select(Category).where(col(Category.active)))}
    units = {unit.code: unit.id for unit in session.exec(select(Unit)) if unit.id is not None}
    # Some communities' units are quicker than others': the league table has a spread.
    pace = {code: rng.uniform(0.5, 1.6) for code in sorted({g.community for g in grids})}
    codes = sorted(categories)
    weights = [FREQUENT.get(code, 0.4) for code in codes]
    lives: list[Life] = []
    for day in range(HISTORY_DAYS, -1, -1):
        start = now - timedelta(days=day)
        busy = 0.6 if start.weekday() >= 5 else 1.0
        for _ in range(_poisson(rng, REPORTS_PER_DAY * busy)):
            created = start.replace(hour=0, minute=0) + timedelta(minutes=rng.randint(0, 1439))
            if created >= now - HOUR:
                continue
            cell = rng.choices(grids, weights=[g.weight for g in grids])[0]
            category = categories[rng.choices(codes, weights=weights)[0]]
            lives.append(
                _life(rng, now, len(lives), rng.choice(riders), cell, category, created, pace)
            )
    for _ in range(FRESH_REPORTS):
        cell = rng.choices(grids, weights=[g.weight for g in grids])[0]
        category = categories[rng.choices(codes, weights=weights)[0]]
        created = now - timedelta(minutes=rng.randint(5, 180))
        rider = rng.choice(riders)
        lives.append(
            _life(rng, now, len(lives), rider, cell, category, created, pace, waiting=True)
        )
    session.add_all(life.report for life in lives)
    session.flush()
    for life in lives:
        _write_tasks_and_timeline(session, life, units, coordinator_id)
    session.flush()
    for life in lives:
        _pay_and_rate(session, rng, now, life, categories[life.report.category_code])
    session.flush()
    recount_figures(session)
    return len(lives)


@dataclass(frozen=True)
class Cell:
    code: str
    community: str
    path: str
    bounds: tuple[float, float, float, float]  # west, south, east, north
    weight: float


def _grid_cells(session: Session) -> list[Cell]:
    """The demo grids with their rectangles; a few are hotspots."""
    paths = {grid.code: grid.path for grid in session.exec(select(Grid))}
    cells = []
    for index, feature in enumerate(demo_grids()["features"]):
        props = feature["properties"]
        if props["level"] != "grid":
            continue
        ring = feature["geometry"]["coordinates"][0]
        lons, lats = [x for x, _ in ring], [y for _, y in ring]
        weight = 5.0 if index % 9 == 4 else 1.0
        bounds = (min(lons), min(lats), max(lons), max(lats))
        cells.append(
            Cell(props["code"], props["parent_code"], paths[props["code"]], bounds, weight)
        )
    return cells


def _riders(session: Session) -> list[int]:
    """The demo rider and a few more active riders of the first community."""
    first = session.exec(select(Account.id).where(Account.username == "13800000001")).one()
    assert first is not None
    rider_ids = [first]
    community = session.exec(
        select(Grid.code).where(Grid.level == GridLevel.COMMUNITY).order_by(Grid.code)
    ).first()
    assert community is not None
    for number, name in enumerate(RIDER_NAMES, start=2):
        registered = register_rider(
            session,
            phone=f"138000000{number:02d}",
            name=name,
            password=f"demo-rider-{number}",
            platform=Platform.ELEME if number % 2 else Platform.MEITUAN,
            party_member=number % 3 == 0,
            community_code=community,
            team_id=None,
            privacy_consent_version=CURRENT_NOTICE.version,
        )
        assert registered is not None
        _profile, rider = registered
        rider.status = AccountStatus.ACTIVE
        session.add(rider)
        session.flush()
        assert rider.id is not None
        rider_ids.append(rider.id)
    return rider_ids


def _life(
    rng: random.Random,
    now: datetime,
    number: int,
    rider_id: int,
    cell: Cell,
    category: Category,
    created: datetime,
    pace: dict[str, float],
    *,
    waiting: bool = False,
) -> Life:
    """The report and as much of its life as has happened by now (none while `waiting`)."""
    west, south, east, north = cell.bounds
    client_id = f"demo-history-{number}"
    texts = DESCRIPTIONS.get(category.code, (f"{category.name_zh}，请尽快处理",))
    report = Report(
        reporter_id=rider_id,
        client_id=client_id,
        fingerprint=hashlib.sha256(client_id.encode()).hexdigest(),
        category_code=category.code,
        description=rng.choice(texts),
        lat=round(rng.uniform(south, north), 6),
        lon=round(rng.uniform(west, east), 6),
        accuracy_m=round(rng.uniform(5, 30), 1),
        urgent=category.urgent,
        grid_code=cell.code,
        community_code=cell.community,
        area_path=cell.path,
        created_at=created,
    )
    life = Life(report)
    if waiting:
        return life
    limit = timedelta(hours=category.time_limit_hours)
    if rng.random() < REJECTED:
        _step(life, now, created + rng.uniform(0.2, 6) * HOUR, ReportStatus.REJECTED)
        return life
    at = created + rng.uniform(0.1, 4) * HOUR
    if not _step(life, now, at, ReportStatus.ACCEPTED):
        return life
    at += rng.uniform(0.05, 1) * HOUR
    if not _step(life, now, at, ReportStatus.DISPATCHED):
        return life
    life.task = Task(
        report_id=0,
        unit_id=0,
        due_at=at + limit,
        dispatched_by_id=0,
        created_at=at,
        status=TaskStatus.OPEN,
    )
    if rng.random() < STUCK:
        # The unit sits on it: the case waits, past its deadline, in the overdue list.
        if rng.random() < 0.5:
            at += rng.uniform(0.1, 3) * HOUR
            _task_step(life, now, at, ReportEventKind.TASK_ACCEPTED, ReportStatus.IN_PROGRESS)
        return life
    rework = rng.random() < REWORK
    for round_ in range(2 if rework else 1):
        at += rng.uniform(0.1, 3) * HOUR
        if not _task_step(life, now, at, ReportEventKind.TASK_ACCEPTED, ReportStatus.IN_PROGRESS):
            return life
        at += limit * rng.lognormvariate(-0.9, 0.6) * pace[cell.community]
        if not _task_step(life, now, at, ReportEventKind.TASK_COMPLETED, ReportStatus.RESOLVED):
            return life
        at += rng.uniform(1, 24) * HOUR
        if round_ == 0 and rework:
            if not _task_step(
                life, now, at, ReportEventKind.TASK_REOPENED, ReportStatus.DISPATCHED
            ):
                return life
            report.rework_count = 1
    _step(life, now, at, ReportStatus.CLOSED)
    return life


def _step(life: Life, now: datetime, at: datetime, status: ReportStatus) -> bool:
    """The report moves to `status` at `at`, if that is not after now."""
    if at > now:
        return False
    report = life.report
    life.steps.append((at, status))
    report.status, report.updated_at = status, at
    stamp = {
        ReportStatus.ACCEPTED: "accepted_at",
        ReportStatus.DISPATCHED: "dispatched_at",
        ReportStatus.RESOLVED: "resolved_at",
        ReportStatus.CLOSED: "closed_at",
    }.get(status)
    if stamp is not None and (
        status is not ReportStatus.DISPATCHED or report.dispatched_at is None
    ):
        setattr(report, stamp, at)
    return True


def _task_step(
    life: Life, now: datetime, at: datetime, kind: ReportEventKind, status: ReportStatus
) -> bool:
    """The unit (or, reopening, the coordinator) moves the task and with it the case."""
    task = life.task
    assert task is not None
    if not _step(life, now, at, status):
        return False
    life.task_steps.append((at, kind))
    task.updated_at = at
    if kind is ReportEventKind.TASK_ACCEPTED:
        task.status, task.accepted_at = TaskStatus.IN_PROGRESS, at
    elif kind is ReportEventKind.TASK_COMPLETED:
        task.status, task.completed_at, task.result_note = TaskStatus.COMPLETED, at, "已处置完毕"
    else:
        task.status, task.rework_count = TaskStatus.OPEN, task.rework_count + 1
    return True


def _write_tasks_and_timeline(
    session: Session, life: Life, units: dict[str, int], coordinator_id: int
) -> None:
    report = life.report
    assert report.id is not None
    events = [
        ReportEvent(
            report_id=report.id,
            kind=ReportEventKind.SUBMITTED,
            to_status=ReportStatus.SUBMITTED,
            actor_id=report.reporter_id,
            created_at=report.created_at,
        )
    ]
    previous = ReportStatus.SUBMITTED
    for at, status in life.steps:
        events.append(
            ReportEvent(
                report_id=report.id,
                kind=ReportEventKind.STATUS_CHANGED,
                from_status=previous,
                to_status=status,
                actor_id=coordinator_id,
                note=REJECTION if status is ReportStatus.REJECTED else None,
                created_at=at,
            )
        )
        previous = status
    if report.status is ReportStatus.REJECTED:
        report.rejection_reason = REJECTION
    task = life.task
    if task is not None:
        category = session.get_one(Category, report.category_code)
        unit_type = category.default_unit_type.value.replace("_", "-")
        task.report_id, task.dispatched_by_id = report.id, coordinator_id
        task.unit_id = units[f"{report.community_code}-{unit_type}"]
        session.add(task)
        session.flush()
        events.append(
            ReportEvent(
                report_id=report.id,
                kind=ReportEventKind.TASK_DISPATCHED,
                actor_id=coordinator_id,
                task_id=task.id,
                created_at=task.created_at,
            )
        )
        events.extend(
            ReportEvent(report_id=report.id, kind=kind, task_id=task.id, created_at=at)
            for at, kind in life.task_steps
        )
    session.add_all(events)


def _pay_and_rate(
    session: Session, rng: random.Random, now: datetime, life: Life, category: Category
) -> None:
    """The reporter's points for an accepted and a closed report, and a rating now and then."""
    report = life.report
    assert report.id is not None
    lock_account(session, report.reporter_id)
    if report.accepted_at is not None:
        post_entry(
            session,
            rider_id=report.reporter_id,
            amount=category.points,
            kind=EntryKind.REPORT_ACCEPTED,
            source_id=str(report.id),
            reason=f"上报被受理：{category.name_zh}",
            actor_id=None,
            report_id=report.id,
            rule_points=category.points,
            at=report.accepted_at,
        )
    if report.closed_at is None:
        return
    bonus = rule_value(session, PointsRuleCode.CASE_FIXED_BONUS)
    post_entry(
        session,
        rider_id=report.reporter_id,
        amount=bonus,
        kind=EntryKind.REPORT_FIXED,
        source_id=str(report.id),
        reason="上报的问题已办结",
        actor_id=None,
        report_id=report.id,
        rule_points=bonus,
        at=report.closed_at,
    )
    rated_at = report.closed_at + rng.uniform(1, 48) * HOUR
    if rng.random() < 0.7 and rated_at < now:
        stars = rng.choice(RATING_STARS)
        session.add(
            ReportRating(
                report_id=report.id,
                rater_id=report.reporter_id,
                stars=stars,
                comment=RATING_COMMENTS.get(stars, ""),
                created_at=rated_at,
            )
        )


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by counting exponential gaps (small means only)."""
    count, total = 0, rng.expovariate(1.0)
    while total < mean:
        count, total = count + 1, total + rng.expovariate(1.0)
    return count
