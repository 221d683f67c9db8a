"""The standard categories: China's digital urban-management events (数字城管 事件) plus local ones.

Codes are the group (大类, two digits) followed by the item (小类, two digits), as in the national
standard; group 06 holds this product's grassroots-governance additions. Migrations install these
rows; admins may add more. Time limits (时限) count working hours, except emergencies, which count
wall-clock hours and are urgent from the start.
"""

from dataclasses import dataclass
from typing import Literal

CategoryKind = Literal["event", "component"]
UnitTypeName = Literal[
    "property", "owners_committee", "party_branch", "law_enforcement", "street_office", "department"
]

EMERGENCY_GROUP_CODE = "04"
_DEFAULT_POINTS = 5
_EMERGENCY_POINTS = 10
_FIRE_HAZARD_POINTS = 8
_OPINION_POINTS = 3


@dataclass(frozen=True)
class CategoryGroup:
    """A group (大类) of categories."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class StandardCategory:
    """One category (小类) with the defaults a report of it starts with."""

    code: str
    group_code: str
    name_zh: str
    name_en: str
    kind: CategoryKind
    time_limit_hours: float
    wall_clock: bool  # the time limit counts wall-clock hours, not working hours
    urgent_by_default: bool
    default_unit_type: UnitTypeName
    points: int  # earned by the reporter when a coordinator accepts the report
    common: bool  # one of the rider app's big buttons


def _event(
    code: str,
    name_zh: str,
    name_en: str,
    time_limit_hours: float,
    default_unit_type: UnitTypeName,
    *,
    points: int = _DEFAULT_POINTS,
    common: bool = False,
) -> StandardCategory:
    """An ordinary event, its time limit counted in working hours."""
    return StandardCategory(
        code=code,
        group_code=code[:2],
        name_zh=name_zh,
        name_en=name_en,
        kind="event",
        time_limit_hours=time_limit_hours,
        wall_clock=False,
        urgent_by_default=False,
        default_unit_type=default_unit_type,
        points=points,
        common=common,
    )


def _emergency(code: str, name_zh: str, name_en: str, time_limit_hours: float) -> StandardCategory:
    """A sudden event (突发事件): urgent, handled by a utility or department around the clock."""
    return StandardCategory(
        code=code,
        group_code=code[:2],
        name_zh=name_zh,
        name_en=name_en,
        kind="event",
        time_limit_hours=time_limit_hours,
        wall_clock=True,
        urgent_by_default=True,
        default_unit_type="department",
        points=_EMERGENCY_POINTS,
        common=False,
    )


STANDARD_GROUPS: tuple[CategoryGroup, ...] = (
    CategoryGroup("01", "市容环境", "City appearance"),
    CategoryGroup("02", "宣传广告", "Advertising"),
    CategoryGroup("03", "施工管理", "Construction management"),
    CategoryGroup(EMERGENCY_GROUP_CODE, "突发事件", "Emergencies"),
    CategoryGroup("05", "街面秩序", "Street order"),
    CategoryGroup("06", "基层治理", "Grassroots governance"),
)

# Working hours, and the default calendar works 6.5 hours a day: garbage and piled goods within
# a day, structures and signboards within a week. Transient problems (vendors, parking, barbecues,
# a blocked fire lane) get two hours, because later there is nothing left to find. Opinions and
# policy feedback get an answer within five working days.
STANDARD_CATEGORIES: tuple[StandardCategory, ...] = (
    _event("0101", "私搭乱建", "Illegal construction", 40, "law_enforcement", common=True),
    _event("0102", "暴露垃圾", "Exposed garbage", 4, "property", common=True),
    _event("0103", "积存垃圾渣土", "Accumulated garbage or construction spoil", 16, "property"),
    _event("0104", "道路不洁", "Dirty road surface", 4, "department"),
    _event("0106", "绿地脏乱", "Littered green space", 8, "property"),
    _event("0199", "其他市容环境问题", "Other city appearance problem", 16, "street_office"),
    _event("0201", "非法小广告", "Illegal small ads and stickers", 8, "property"),
    _event(
        "0202",
        "违章张贴悬挂广告牌匾",
        "Unauthorised posters, banners or signboards",
        24,
        "law_enforcement",
    ),
    _event("0203", "占道广告牌", "Advertising board blocking the way", 8, "law_enforcement"),
    _event("0204", "街头散发广告", "Flyers handed out in the street", 2, "law_enforcement"),
    _event("0301", "施工扰民", "Construction disturbing residents", 4, "law_enforcement"),
    _event("0302", "工地扬尘", "Dust from a construction site", 4, "law_enforcement"),
    _emergency("0401", "路面塌陷", "Road surface collapse", 2),
    _emergency("0402", "自来水管破裂", "Burst water main", 2),
    _emergency("0403", "燃气管道破裂", "Gas pipe rupture", 1),
    _emergency("0404", "下水道堵塞或破损", "Sewer blocked or damaged", 4),
    _event("0501", "无照经营游商", "Unlicensed street vendor", 2, "law_enforcement"),
    _event("0502", "流浪乞讨", "Vagrancy and begging", 4, "street_office"),
    _event("0503", "占道废品收购", "Scrap collection blocking the way", 4, "law_enforcement"),
    _event("0504", "店外经营", "Trading outside the shop", 4, "law_enforcement", common=True),
    _event("0505", "机动车乱停放", "Badly parked motor vehicle", 2, "department"),
    _event("0506", "非机动车乱停放", "Badly parked bicycles or e-bikes", 4, "law_enforcement"),
    _event("0507", "乱堆物堆料", "Random piling of goods or materials", 8, "property", common=True),
    _event("0508", "经营扰民", "Business noise disturbing residents", 4, "law_enforcement"),
    _event("0510", "露天烧烤", "Open-air barbecue", 2, "law_enforcement"),
    _event("0599", "其他街面秩序问题", "Other street order problem", 16, "street_office"),
    _event(
        "0601",
        "消防通道堵塞",
        "Blocked fire lane",
        2,
        "property",
        points=_FIRE_HAZARD_POINTS,
        common=True,
    ),
    _event(
        "0602",
        "电动车违规充电",
        "Unsafe e-bike charging",
        4,
        "property",
        points=_FIRE_HAZARD_POINTS,
    ),
    _event("0603", "不文明行为", "Uncivil behaviour", 8, "party_branch", common=True),
    _event("0604", "社情民意", "Public opinion", 32, "party_branch", points=_OPINION_POINTS),
    _event("0605", "治安线索", "Public security tip", 8, "department"),
    _event("0606", "政策反馈", "Policy feedback", 32, "street_office", points=_OPINION_POINTS),
)
