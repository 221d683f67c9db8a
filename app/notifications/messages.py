"""What each notification says (zh-CN first, English second). Pure functions, no database.

Status words come from the shared glossary; a report's followers are riders, so they hear the
rider app's wording of a state.
"""

from dataclasses import dataclass

from app.core.status_words import Language, status_word
from app.reports.states import ReportStatus


@dataclass(frozen=True)
class Message:
    """What a notification says, in Chinese first and English second."""

    kind: str
    title_zh: str
    title_en: str
    body: str = ""


def report_status_message(
    case_id: int,
    from_status: ReportStatus,
    to_status: ReportStatus,
    note: str | None,
    *,
    merged_into: int | None = None,
) -> Message | None:
    """What a report's followers hear of a status change; None when it does not concern them."""
    body = note or ""

    def word(language: Language) -> str:
        return status_word("report", to_status, language, rider=True)

    if to_status is ReportStatus.ACCEPTED and from_status is ReportStatus.SUBMITTED:
        return Message(
            "report_accepted",
            f"问题{word('zh-CN')} #{case_id}",
            f"Report #{case_id} {word('en').lower()}",
            body,
        )
    if to_status is ReportStatus.REJECTED:
        return Message(
            "report_rejected",
            f"上报{word('zh-CN')} #{case_id}",
            f"Report #{case_id} {word('en').lower()}",
            body,
        )
    if to_status is ReportStatus.DUPLICATE:
        return Message(
            "report_merged",
            f"上报{word('zh-CN')}到案件 #{merged_into}",
            f"Report #{case_id} merged into case #{merged_into}",
            body,
        )
    if to_status is ReportStatus.DISPATCHED and from_status is ReportStatus.RESOLVED:
        return Message(
            "report_rework",
            f"处置未通过核查，已返工 #{case_id}",
            f"Case #{case_id} sent back for rework",
            body,
        )
    if to_status is ReportStatus.DISPATCHED:
        return Message(
            "report_dispatched",
            f"{word('zh-CN')}，待处置单位处理 #{case_id}",
            f"Case #{case_id} {word('en').lower()} to a handling unit",
            body,
        )
    if to_status is ReportStatus.RESOLVED:
        return Message(
            "report_resolved",
            f"已处置，{word('zh-CN')} #{case_id}",
            f"Case #{case_id} handled, awaiting verification",
            body,
        )
    if to_status is ReportStatus.CLOSED:
        return Message(
            "report_closed",
            f"{word('zh-CN')}，请评价 #{case_id}",
            f"Case #{case_id} closed: please rate it",
            body,
        )
    return None


def case_reopened_message(case_id: int, reason: str | None) -> Message:
    """What coordinators hear when a reporter says a closed case is not fixed."""
    return Message(
        "report_reopened",
        f"群众反映问题未解决 #{case_id}",
        f"Reporter says case #{case_id} is not fixed",
        reason or "",
    )


def task_assigned_message(
    case_id: int, category_zh: str, category_en: str, note: str | None
) -> Message:
    """What a unit hears of a new task."""
    return Message(
        "task_assigned",
        f"新任务：{category_zh} #{case_id}",
        f"New task: {category_en} (case #{case_id})",
        note or "",
    )


def task_reopened_message(
    case_id: int, category_zh: str, category_en: str, note: str | None
) -> Message:
    """What a unit hears when its completed task is sent back for rework."""
    return Message(
        "task_reopened",
        f"任务返工：{category_zh} #{case_id}",
        f"Task sent back for rework: {category_en} (case #{case_id})",
        note or "",
    )


def task_returned_message(case_id: int, unit_name: str, reason: str | None) -> Message:
    """What coordinators hear when a unit hands a task back."""
    return Message(
        "task_returned",
        f"任务被退回：{unit_name} #{case_id}",
        f"Task returned by {unit_name} (case #{case_id})",
        reason or "",
    )


def task_overdue_message(case_id: int, unit_name: str, *, escalated: bool) -> Message:
    """What coordinators (or, escalated, the street's coordinators) hear of an overdue task."""
    if escalated:
        return Message(
            "task_escalated",
            f"超期升级：{unit_name} #{case_id}",
            f"Overdue task escalated: {unit_name} (case #{case_id})",
        )
    return Message(
        "task_overdue",
        f"任务超期：{unit_name} #{case_id}",
        f"Task overdue: {unit_name} (case #{case_id})",
    )


def report_new_message(
    case_id: int, category_zh: str, category_en: str, *, urgent: bool, description: str
) -> Message:
    """What coordinators hear of a new report in their areas (紧急 first when urgent)."""
    if urgent:
        return Message(
            "report_urgent",
            f"紧急上报：{category_zh} #{case_id}",
            f"Urgent report: {category_en} (#{case_id})",
            description,
        )
    return Message(
        "report_new",
        f"新上报：{category_zh} #{case_id}",
        f"New report: {category_en} (#{case_id})",
        description,
    )


def verification_message(case_id: int, note: str | None) -> Message:
    """What coordinators hear when a unit has handled a case: it waits for their 核查."""
    return Message(
        "case_to_verify",
        f"待核查：处置已完成 #{case_id}",
        f"To verify: case #{case_id} handled",
        note or "",
    )


def rider_registered_message(rider_name: str, community_name: str) -> Message:
    """What coordinators hear of a rider's 报到备案 in their areas, waiting for their review."""
    return Message(
        "rider_registered",
        f"骑手报到待审核：{rider_name}（{community_name}）",
        f"Rider registration to review: {rider_name} ({community_name})",
    )
