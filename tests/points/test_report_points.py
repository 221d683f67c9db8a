"""Points for reports: only after review, never for rejected or merged reports, once per source
under replay and race, within the daily cap, under the rule in force at the time."""

from functools import partial

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Account, AccountStatus, Role
from app.core.db import writer_engine
from app.core.events import publish
from app.core.runtime import Runtime
from app.points.models import PointsAccount, PointsEntry
from app.points.rules import EntryKind, PointsRuleCode
from app.points.service import award, balance_of, update_rule
from app.reports.events import ReportStatusChanged
from app.reports.states import ReportStatus
from tests.factories import COMMUNITY, make_account, seed_grids
from tests.fixtures.reports import make_report
from tests.points.factories import TO_CLOSED, give_points, move_report, run_together
from tests.riders.factories import make_rider

REJECTED_OR_MERGED = [(ReportStatus.REJECTED,), (ReportStatus.DUPLICATE,)]


def entries_of(session: Session, rider_id: int) -> list[PointsEntry]:
    query = (
        select(PointsEntry).where(PointsEntry.rider_id == rider_id).order_by(col(PointsEntry.id))
    )
    entries = list(session.exec(query.execution_options(populate_existing=True)))
    session.commit()  # ends the read: a writer session holds SQLite's write lock
    return entries


@pytest.fixture
def rider_id(session: Session) -> int:
    seed_grids(session)
    return make_rider(session, "13800000001").account_id


def test_a_submitted_report_earns_nothing_until_it_is_accepted(
    session: Session, rider_id: int
) -> None:
    report = make_report(session, rider_id)
    assert entries_of(session, rider_id) == []
    move_report(session, report, ReportStatus.ACCEPTED)
    [entry] = entries_of(session, rider_id)
    assert (entry.kind, entry.amount, entry.report_id) == (EntryKind.REPORT_ACCEPTED, 5, report.id)
    assert entry.reason == "上报被受理：暴露垃圾"
    assert balance_of(session, rider_id) == 5


@pytest.mark.parametrize("statuses", REJECTED_OR_MERGED)
def test_rejected_or_merged_reports_earn_nothing(
    session: Session, rider_id: int, statuses: tuple[ReportStatus, ...]
) -> None:
    report = make_report(session, rider_id)
    move_report(session, report, *statuses)
    assert entries_of(session, rider_id) == []


def test_merging_an_accepted_report_takes_its_points_back(session: Session, rider_id: int) -> None:
    report = make_report(session, rider_id)
    move_report(session, report, ReportStatus.ACCEPTED, ReportStatus.DUPLICATE)
    amounts = [(e.kind, e.amount) for e in entries_of(session, rider_id)]
    assert amounts == [(EntryKind.REPORT_ACCEPTED, 5), (EntryKind.REPORT_REVERSED, -5)]
    assert balance_of(session, rider_id) == 0


def test_a_reversal_never_takes_more_than_the_balance(session: Session, rider_id: int) -> None:
    report = make_report(session, rider_id)
    move_report(session, report, ReportStatus.ACCEPTED)
    give_points(session, rider_id, -3)  # spent most of it meanwhile
    move_report(session, report, ReportStatus.DUPLICATE)
    reversal = entries_of(session, rider_id)[-1]
    assert reversal.amount == -2
    assert "仅撤回 2 分" in reversal.reason
    assert balance_of(session, rider_id) == 0


def test_a_closed_case_pays_the_fixed_bonus_and_an_urgent_one_the_urgent_bonus(
    session: Session, rider_id: int
) -> None:
    ordinary = make_report(session, rider_id)
    urgent = make_report(
        session, rider_id, category_code="0401", urgent=True
    )  # 路面塌陷, 10 points
    move_report(session, ordinary, *TO_CLOSED)
    move_report(session, urgent, *TO_CLOSED)
    paid = {(e.report_id, e.kind): e.amount for e in entries_of(session, rider_id)}
    assert paid == {
        (ordinary.id, EntryKind.REPORT_ACCEPTED): 5,
        (ordinary.id, EntryKind.REPORT_FIXED): 5,
        (urgent.id, EntryKind.REPORT_ACCEPTED): 10,
        (urgent.id, EntryKind.REPORT_FIXED): 5,
        (urgent.id, EntryKind.REPORT_URGENT): 10,
    }


def test_reopening_and_closing_again_pays_nothing_more(session: Session, rider_id: int) -> None:
    report = make_report(session, rider_id)
    move_report(session, report, *TO_CLOSED)
    move_report(session, report, ReportStatus.ACCEPTED, *TO_CLOSED[1:])
    assert [e.amount for e in entries_of(session, rider_id)] == [5, 5]


def test_a_replayed_event_pays_once(session: Session, rider_id: int) -> None:
    report = make_report(session, rider_id)
    move_report(session, report, ReportStatus.ACCEPTED)
    replay = ReportStatusChanged(report, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, None, None)
    for _ in range(3):
        publish(session, replay)
        session.commit()
    assert len(entries_of(session, rider_id)) == 1
    assert balance_of(session, rider_id) == 5


def test_awards_for_one_source_raced_from_many_transactions_pay_once(
    session: Session, runtime: Runtime, rider_id: int
) -> None:
    report = make_report(session, rider_id)

    def pay(points: int) -> None:
        with Session(writer_engine(runtime.engine)) as own:
            award(
                own,
                rider_id=rider_id,
                kind=EntryKind.REPORT_ACCEPTED,
                source_id=str(report.id),
                rule_points=points,
                reason="并发测试",
                actor_id=None,
                report_id=report.id,
            )
            own.commit()

    run_together([partial(pay, 5) for _ in range(8)])
    assert [e.amount for e in entries_of(session, rider_id)] == [5]
    assert balance_of(session, rider_id) == 5


def test_awards_for_many_sources_raced_never_pass_the_daily_cap(
    session: Session, runtime: Runtime, rider_id: int
) -> None:
    update_rule(session, PointsRuleCode.DAILY_CAP, points=12, actor_id=_admin_id(session))
    session.commit()

    def pay(source: int) -> None:
        with Session(writer_engine(runtime.engine)) as own:
            award(
                own,
                rider_id=rider_id,
                kind=EntryKind.NOTICE_SHARE,
                source_id=str(source),
                rule_points=5,
                reason="并发测试",
                actor_id=None,
            )
            own.commit()

    run_together([partial(pay, source) for source in range(8)])
    amounts = sorted(e.amount for e in entries_of(session, rider_id))
    assert amounts == [0, 0, 0, 0, 0, 2, 5, 5]
    assert balance_of(session, rider_id) == 12


def test_the_database_refuses_a_second_entry_for_one_source(
    session: Session, rider_id: int
) -> None:
    def entry() -> PointsEntry:
        return PointsEntry(
            rider_id=rider_id, amount=5, kind=EntryKind.REPORT_ACCEPTED, source_id="1", reason="x"
        )

    session.add_all([entry(), PointsAccount(rider_id=rider_id, balance=5)])
    session.commit()
    session.add(entry())
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert len(entries_of(session, rider_id)) == 1


def test_the_database_refuses_a_negative_balance(session: Session, rider_id: int) -> None:
    give_points(session, rider_id, 3)
    with pytest.raises(IntegrityError):
        session.execute(
            update(PointsAccount)
            .where(col(PointsAccount.rider_id) == rider_id)
            .values(balance=PointsAccount.balance - 4)
        )
    session.rollback()


def test_pending_riders_earn_nothing_and_approval_is_not_retroactive(
    session: Session, rider_id: int
) -> None:
    pending = make_rider(session, "13800000002", active=False)
    report = make_report(session, pending.account_id)
    move_report(session, report, ReportStatus.ACCEPTED)
    account = session.get(Account, pending.account_id)
    assert account is not None
    account.status = AccountStatus.ACTIVE
    session.commit()
    move_report(session, report, *TO_CLOSED[1:])
    # Accepted while pending: nothing; closed after approval: the bonus.
    assert [e.kind for e in entries_of(session, pending.account_id)] == [EntryKind.REPORT_FIXED]


def test_reports_by_staff_earn_nothing(session: Session) -> None:
    seed_grids(session)
    coordinator = make_account(session, Role.COORDINATOR, "coord", areas=(COMMUNITY,))
    assert coordinator.id is not None
    move_report(session, make_report(session, coordinator.id), *TO_CLOSED)
    assert session.exec(select(PointsEntry)).all() == []


def test_the_daily_cap_cuts_the_last_award_and_records_the_rest_as_zero(
    session: Session, rider_id: int
) -> None:
    admin_id = _admin_id(session)
    update_rule(session, PointsRuleCode.DAILY_CAP, points=12, actor_id=admin_id)
    session.commit()
    reports = [make_report(session, rider_id) for _ in range(4)]
    for report in reports:
        move_report(session, report, ReportStatus.ACCEPTED)
    entries = entries_of(session, rider_id)
    assert [e.amount for e in entries] == [5, 5, 2, 0]
    assert [e.rule_points for e in entries] == [5, 5, 5, 5]
    assert entries[-1].reason.endswith("（已达每日积分上限）")
    give_points(session, rider_id, 7)  # manual adjustments are not capped
    assert balance_of(session, rider_id) == 19


def test_a_rule_change_applies_from_then_on(session: Session, rider_id: int) -> None:
    first, second = make_report(session, rider_id), make_report(session, rider_id)
    move_report(session, first, *TO_CLOSED)
    update_rule(session, PointsRuleCode.CASE_FIXED_BONUS, points=20, actor_id=_admin_id(session))
    session.commit()
    move_report(session, second, *TO_CLOSED)
    fixed = [e for e in entries_of(session, rider_id) if e.kind is EntryKind.REPORT_FIXED]
    assert [(e.report_id, e.amount, e.rule_points) for e in fixed] == [
        (first.id, 5, 5),
        (second.id, 20, 20),
    ]


def _admin_id(session: Session) -> int:
    admin = make_account(session, Role.ADMIN, "admin")
    assert admin.id is not None
    return admin.id
