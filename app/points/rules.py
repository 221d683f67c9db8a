"""Points rules (志愿服务积分兑换细则) and ledger entry kinds: pure data and the cap arithmetic."""

from dataclasses import dataclass
from enum import StrEnum


class PointsRuleCode(StrEnum):
    """A rule whose value admins edit; a report's own points come from its category."""

    CASE_FIXED_BONUS = "case_fixed_bonus"
    URGENT_CONFIRMED_BONUS = "urgent_confirmed_bonus"
    VERIFICATION_DONE = "verification_done"
    NOTICE_SHARED = "notice_shared"
    DAILY_CAP = "daily_cap"


@dataclass(frozen=True)
class RuleDefault:
    code: PointsRuleCode
    points: int
    name_zh: str
    name_en: str


DEFAULT_RULES: tuple[RuleDefault, ...] = (
    RuleDefault(PointsRuleCode.CASE_FIXED_BONUS, 5, "问题办结奖励", "Bonus when the case closes"),
    RuleDefault(
        PointsRuleCode.URGENT_CONFIRMED_BONUS,
        10,
        "紧急上报属实奖励",
        "Bonus for a real urgent report",
    ),
    RuleDefault(PointsRuleCode.VERIFICATION_DONE, 3, "核查任务完成", "A verification task done"),
    RuleDefault(PointsRuleCode.NOTICE_SHARED, 2, "政策宣讲转发", "A policy notice passed on"),
    # 0 means no cap.
    RuleDefault(PointsRuleCode.DAILY_CAP, 50, "每日积分上限", "Most rule points per rider per day"),
)


class EntryKind(StrEnum):
    """What a ledger entry is for; with its source id it names the event that paid it."""

    REPORT_ACCEPTED = "report_accepted"
    REPORT_FIXED = "report_fixed"
    REPORT_URGENT = "report_urgent"
    REPORT_REVERSED = "report_reversed"
    VERIFICATION = "verification"
    NOTICE_SHARE = "notice_share"
    ADJUSTMENT = "adjustment"
    REDEMPTION = "redemption"
    REDEMPTION_REFUND = "redemption_refund"


ENTRY_KIND_NAMES_ZH: dict[EntryKind, str] = {
    EntryKind.REPORT_ACCEPTED: "上报被受理",
    EntryKind.REPORT_FIXED: "问题办结",
    EntryKind.REPORT_URGENT: "紧急上报属实",
    EntryKind.REPORT_REVERSED: "上报被合并，撤回积分",
    EntryKind.VERIFICATION: "核查任务",
    EntryKind.NOTICE_SHARE: "政策宣讲转发",
    EntryKind.ADJUSTMENT: "人工调整",
    EntryKind.REDEMPTION: "兑换奖品",
    EntryKind.REDEMPTION_REFUND: "取消兑换退还",
}

# Points earned under the rules: these count towards the daily cap.
RULE_KINDS: frozenset[EntryKind] = frozenset(
    {
        EntryKind.REPORT_ACCEPTED,
        EntryKind.REPORT_FIXED,
        EntryKind.REPORT_URGENT,
        EntryKind.VERIFICATION,
        EntryKind.NOTICE_SHARE,
    }
)
# Spending and its refunds move the balance but are not service: leaderboards leave them out.
SPENDING_KINDS: frozenset[EntryKind] = frozenset(
    {EntryKind.REDEMPTION, EntryKind.REDEMPTION_REFUND}
)


def capped_points(rule_points: int, earned_today: int, daily_cap: int) -> int:
    """What a rule award pays after the daily cap: the rest of the day's allowance, at least 0."""
    if daily_cap <= 0:
        return max(rule_points, 0)
    return max(0, min(rule_points, daily_cap - earned_today))
