"""`tantou demo`: seeds the Fengyang demo county with units, teams and one account per role."""

from dataclasses import dataclass

from sqlmodel import Session, select

from app.accounts.models import Account, AccountStatus, Role
from app.accounts.service import create_account
from app.demo.fengyang import TOWNS, demo_grids
from app.demo.history import seed_history
from app.grids.models import Grid, GridLevel
from app.grids.service import import_feature_collection
from app.points.rules import EntryKind
from app.points.service import lock_account, post_entry
from app.presets.models import PresetPurpose
from app.presets.schemas import PresetCreate
from app.presets.service import create_preset
from app.rewards.demo import seed_rewards
from app.riders.models import Platform, Team
from app.riders.privacy_notice import CURRENT_NOTICE
from app.riders.service import register_rider
from app.units.models import UnitCreate, UnitType
from app.units.service import create_unit

DEMO_PASSWORD = "tantou-demo-2026"

# The reasons and notes a county's coordinators write most (常用语); admins edit them.
DEMO_PRESETS = (
    (PresetPurpose.REJECT, "经现场核实，问题不存在或已自行消除。"),
    (PresetPurpose.REJECT, "不属于网格管理事项，已告知您向相关部门反映。"),
    (PresetPurpose.REJECT, "照片无法看清问题，请补拍后重新上报。"),
    (PresetPurpose.DISPATCH, "请尽快到场处置，完成后上传处置后照片。"),
    (PresetPurpose.DISPATCH, "请联系物业共同处置，注意现场安全。"),
    (PresetPurpose.DISPATCH, "涉及占道经营，请执法中队依法劝导。"),
)


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    username: str
    password: str
    note: str


DEMO_LOGINS = (
    DemoLogin(Role.ADMIN, "admin", DEMO_PASSWORD, "县级管理员 county admin"),
    DemoLogin(Role.COORDINATOR, "coordinator", DEMO_PASSWORD, "府城镇网格员 town coordinator"),
    DemoLogin(Role.UNIT, "unit", DEMO_PASSWORD, "东华社区物业 property company"),
    DemoLogin(Role.RIDER, "13800000001", DEMO_PASSWORD, "骑手 rider (active)"),
)


def is_empty(session: Session) -> bool:
    """Whether the database has no accounts yet (a fresh install)."""
    return session.exec(select(Account.id).limit(1)).first() is None


def seed_demo(session: Session, *, history: bool = True) -> list[DemoLogin]:
    """Seed the demo (flushes; the caller commits) and return the logins to print; with
    `history`, four months of reports, cases, tasks, ratings and points too."""
    import_feature_collection(session, demo_grids())
    communities = list(
        session.exec(select(Grid).where(Grid.level == GridLevel.COMMUNITY).order_by(Grid.code))
    )
    _seed_units(session, communities)
    teams = _seed_teams(session, communities)
    first_town = "341126" + TOWNS[0][0]
    first_community = communities[0].code
    admin = create_account(
        session,
        role=Role.ADMIN,
        username="admin",
        password=DEMO_PASSWORD,
        display_name="县级管理员",
    )
    create_account(
        session,
        role=Role.COORDINATOR,
        username="coordinator",
        password=DEMO_PASSWORD,
        display_name="府城镇网格员",
        area_codes=[first_town],
    )
    create_account(
        session,
        role=Role.UNIT,
        username="unit",
        password=DEMO_PASSWORD,
        display_name="东华社区物业",
        unit_code=f"{first_community}-property",
    )
    registered = register_rider(
        session,
        phone="13800000001",
        name="张师傅",
        password=DEMO_PASSWORD,
        platform=Platform.MEITUAN,
        party_member=True,
        community_code=first_community,
        team_id=teams[0].id,
        privacy_consent_version=CURRENT_NOTICE.version,
    )
    assert registered is not None, "the demo seeds an empty database"
    _profile, rider = registered
    rider.status = AccountStatus.ACTIVE
    teams[0].leader_account_id = rider.id
    session.add_all([rider, teams[0]])
    session.flush()
    seed_rewards(session, [f"341126{suffix}" for suffix, *_ in TOWNS])
    _welcome_points(session, rider)
    for purpose, text in DEMO_PRESETS:
        create_preset(session, PresetCreate(purpose=purpose, text=text))
    if history:
        assert admin.id is not None
        seed_history(session, admin.id)
    return list(DEMO_LOGINS)


DEMO_WELCOME_POINTS = 250


def _welcome_points(session: Session, rider: Account) -> None:
    """Give the demo rider enough points to try a redemption."""
    assert rider.id is not None
    lock_account(session, rider.id)
    post_entry(
        session,
        rider_id=rider.id,
        amount=DEMO_WELCOME_POINTS,
        kind=EntryKind.ADJUSTMENT,
        source_id="demo-welcome",
        reason="演示初始积分 Demo starting points",
        actor_id=None,
    )


UNIT_NAMES = {
    UnitType.PROPERTY: "物业服务中心",
    UnitType.OWNERS_COMMITTEE: "业主委员会",
    UnitType.PARTY_BRANCH: "小区党支部",
    UnitType.LAW_ENFORCEMENT: "城管执法中队",
    UnitType.STREET_OFFICE: "街道办",
    UnitType.DEPARTMENT: "住建局",
}


# Who a coordinator calls at each demo unit: a surname and a made-up landline of 凤阳 (0550).
CONTACT_SURNAMES = "王李张刘陈杨赵黄周吴"


def _seed_units(session: Session, communities: list[Grid]) -> None:
    for number, (community, (unit_type, name)) in enumerate(
        (c, unit) for c in communities for unit in UNIT_NAMES.items()
    ):
        create_unit(
            session,
            UnitCreate(
                code=f"{community.code}-{unit_type.value.replace('_', '-')}",
                name=f"{community.name}{name}",
                type=unit_type,
                community_code=community.code,
                contact_name=f"{CONTACT_SURNAMES[number % len(CONTACT_SURNAMES)]}主任",
                contact_phone=f"0550-60{number:05d}",
            ),
        )


def _seed_teams(session: Session, communities: list[Grid]) -> list[Team]:
    teams = []
    for number in range(10):
        community = communities[number % len(communities)]
        team = Team(
            name=f"新就业群体党员志愿者第{number + 1}队",
            community_code=community.code,
            area_name=f"{community.name}片区",
        )
        session.add(team)
        teams.append(team)
    session.flush()
    return teams
