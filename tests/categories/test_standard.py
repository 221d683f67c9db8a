import re

import pytest

from app.categories.models import CategoryKind
from app.categories.standard import (
    EMERGENCY_GROUP_CODE,
    STANDARD_CATEGORIES,
    STANDARD_GROUPS,
    StandardCategory,
)
from app.units.models import UnitType

REQUIRED_CODES = {
    *("0101", "0102", "0103", "0104", "0106", "0199"),
    *("0201", "0202", "0203", "0204"),
    *("0301", "0302"),
    *("0401", "0402", "0403", "0404"),
    *("0501", "0502", "0503", "0504", "0505", "0506", "0507", "0508", "0510", "0599"),
    *("0601", "0602", "0603", "0604", "0605", "0606"),
}
COMMON_CODES = {"0101", "0102", "0504", "0507", "0601", "0603"}
# Traditional forms of characters these names use in Simplified (乱 广 违 车 积 洁 扰 ...).
# Characters written alike in both (圾 堵 塌 堆) cannot tell the scripts apart and are left out.
TRADITIONAL_ONLY = set(
    "亂廣違設區場車經營關執業會黨報積髒綠潔擾揚損燒電動誌願張貼懸掛佔頭發塵來氣無遊討廢購機規為線饋環傳層類問題臟處"
)
GROUP_CODES = {group.code for group in STANDARD_GROUPS}


def by_code(code: str) -> StandardCategory:
    return next(category for category in STANDARD_CATEGORIES if category.code == code)


def test_codes_are_unique_four_digit_and_in_order() -> None:
    codes = [category.code for category in STANDARD_CATEGORIES]
    assert all(re.fullmatch(r"\d{4}", code) for code in codes)
    assert codes == sorted(set(codes))


def test_every_required_code_is_present() -> None:
    missing = REQUIRED_CODES - {category.code for category in STANDARD_CATEGORIES}
    assert not missing


def test_groups_are_the_six_standard_groups_each_with_categories() -> None:
    assert [group.code for group in STANDARD_GROUPS] == ["01", "02", "03", "04", "05", "06"]
    assert {category.group_code for category in STANDARD_CATEGORIES} == GROUP_CODES


@pytest.mark.parametrize("category", STANDARD_CATEGORIES, ids=lambda c: c.code)
def test_code_starts_with_its_group_code(category: StandardCategory) -> None:
    assert category.code[:2] == category.group_code
    assert category.group_code in GROUP_CODES


@pytest.mark.parametrize(
    "name", [*(c.name_zh for c in STANDARD_CATEGORIES), *(g.name_zh for g in STANDARD_GROUPS)]
)
def test_chinese_names_are_simplified(name: str) -> None:
    assert not set(name) & TRADITIONAL_ONLY
    assert re.fullmatch(r"[\u4e00-\u9fff]+", name)


def test_names_are_unique_in_both_languages() -> None:
    for names in (
        [c.name_zh for c in STANDARD_CATEGORIES],
        [c.name_en for c in STANDARD_CATEGORIES],
    ):
        assert len(set(names)) == len(names)


@pytest.mark.parametrize("category", STANDARD_CATEGORIES, ids=lambda c: c.code)
def test_emergencies_and_only_they_are_urgent_and_count_wall_clock_hours(
    category: StandardCategory,
) -> None:
    is_emergency = category.group_code == EMERGENCY_GROUP_CODE
    assert category.urgent_by_default is is_emergency
    assert category.wall_clock is is_emergency


@pytest.mark.parametrize("category", STANDARD_CATEGORIES, ids=lambda c: c.code)
def test_time_limit_fits_the_kind_of_problem(category: StandardCategory) -> None:
    if category.wall_clock:
        assert 0 < category.time_limit_hours <= 4
    else:
        assert 2 <= category.time_limit_hours <= 40


@pytest.mark.parametrize("category", STANDARD_CATEGORIES, ids=lambda c: c.code)
def test_values_fit_the_category_table(category: StandardCategory) -> None:
    assert category.kind in set(CategoryKind)
    assert category.default_unit_type in set(UnitType)
    assert 0 < category.points <= 1000
    assert len(category.name_zh) <= 64
    assert 0 < len(category.name_en) <= 100


def test_emergencies_earn_the_most_points() -> None:
    emergency_points = {c.points for c in STANDARD_CATEGORIES if c.wall_clock}
    other_points = {c.points for c in STANDARD_CATEGORIES if not c.wall_clock}
    assert min(emergency_points) > max(other_points)


def test_opinions_earn_less_than_ordinary_reports() -> None:
    assert by_code("0604").points < by_code("0102").points
    assert by_code("0606").points < by_code("0102").points


def test_common_categories_are_the_six_big_buttons() -> None:
    assert {c.code for c in STANDARD_CATEGORIES if c.common} == COMMON_CODES
