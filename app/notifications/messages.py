"""What each notification says, from the server's message catalogue (app/locale). Pure
functions, no database.

An inbox keeps a notification's title in both languages (the app shows the reader's) and its
body in Chinese. Status words come from the shared glossary; a report's followers are riders,
so they hear the rider app's wording of a state.
"""

from dataclasses import dataclass

from app.core.messages import Message, Words
from app.core.status_words import status_word
from app.reports.states import ReportStatus


@dataclass(frozen=True)
class NotificationText:
    """What a notification says: a catalogue title and a body (a note as written, or a
    catalogue message)."""

    kind: str
    title: Message
    body: Message | str = ""

    @property
    def title_zh(self) -> str:
        return self.title.render("zh-CN")

    @property
    def title_en(self) -> str:
        return self.title.render("en")

    @property
    def body_text(self) -> str:
        return self.body.render("zh-CN") if isinstance(self.body, Message) else self.body


def report_status_message(
    case_id: int,
    from_status: ReportStatus,
    to_status: ReportStatus,
    note: str | None,
    *,
    merged_into: int | None = None,
    reopened: bool = False,
) -> NotificationText | None:
    """What a report's followers hear of a status change; None when it does not concern them.
    `reopened`: the case was closed once and its reporter said it is not fixed."""
    body = note or ""
    word = Words(
        status_word("report", to_status, "zh-CN", rider=True),
        status_word("report", to_status, "en", rider=True).lower(),
    )
    if to_status is ReportStatus.ACCEPTED and from_status is ReportStatus.SUBMITTED:
        title = Message("notifications.report-accepted", case_id=case_id, status=word)
        return NotificationText("report_accepted", title, body)
    if to_status is ReportStatus.REJECTED:
        title = Message("notifications.report-rejected", case_id=case_id, status=word)
        return NotificationText("report_rejected", title, body)
    if to_status is ReportStatus.DUPLICATE:
        title = Message(
            "notifications.report-merged", case_id=case_id, into=str(merged_into), status=word
        )
        return NotificationText("report_merged", title, body)
    if to_status is ReportStatus.DISPATCHED and from_status is ReportStatus.RESOLVED:
        title = Message("notifications.report-rework", case_id=case_id)
        return NotificationText("report_rework", title, body)
    if to_status is ReportStatus.DISPATCHED and reopened:
        title = Message("notifications.report-reopen-answered", case_id=case_id, status=word)
        return NotificationText("report_reopen_answered", title, body)
    if to_status is ReportStatus.DISPATCHED:
        title = Message("notifications.report-dispatched", case_id=case_id, status=word)
        return NotificationText("report_dispatched", title, body)
    if to_status is ReportStatus.RESOLVED:
        title = Message("notifications.report-resolved", case_id=case_id, status=word)
        return NotificationText("report_resolved", title, body)
    if to_status is ReportStatus.CLOSED:
        title = Message("notifications.report-closed", case_id=case_id, status=word)
        return NotificationText("report_closed", title, body)
    return None


def case_reopened_message(case_id: int, reason: str | None) -> NotificationText:
    """What coordinators hear when a reporter says a closed case is not fixed."""
    title = Message("notifications.report-reopened", case_id=case_id)
    return NotificationText("report_reopened", title, reason or "")


def verification_offered_message(
    case_id: int, category_zh: str, category_en: str
) -> NotificationText:
    """What riders near a handled case hear: "is it fixed?" can be checked."""
    category = Words(category_zh, category_en)
    title = Message("notifications.verification-offered", case_id=case_id, category=category)
    return NotificationText("verification_offered", title)


def task_assigned_message(
    case_id: int, category_zh: str, category_en: str, note: str | None
) -> NotificationText:
    """What a unit hears of a new task."""
    category = Words(category_zh, category_en)
    title = Message("notifications.task-assigned", case_id=case_id, category=category)
    return NotificationText("task_assigned", title, note or "")


def task_reopened_message(
    case_id: int, category_zh: str, category_en: str, note: str | None
) -> NotificationText:
    """What a unit hears when its completed task is sent back for rework."""
    category = Words(category_zh, category_en)
    title = Message("notifications.task-reopened", case_id=case_id, category=category)
    return NotificationText("task_reopened", title, note or "")


def task_returned_message(case_id: int, unit_name: str, reason: str | None) -> NotificationText:
    """What coordinators hear when a unit hands a task back."""
    title = Message("notifications.task-returned", case_id=case_id, unit=unit_name)
    return NotificationText("task_returned", title, reason or "")


def task_overdue_message(case_id: int, unit_name: str, *, escalated: bool) -> NotificationText:
    """What coordinators (or, escalated, the street's coordinators) hear of an overdue task."""
    if escalated:
        title = Message("notifications.task-escalated", case_id=case_id, unit=unit_name)
        return NotificationText("task_escalated", title)
    title = Message("notifications.task-overdue", case_id=case_id, unit=unit_name)
    return NotificationText("task_overdue", title)


def report_new_message(
    case_id: int, category_zh: str, category_en: str, *, urgent: bool, description: str
) -> NotificationText:
    """What coordinators hear of a new report in their areas (紧急 first when urgent)."""
    category = Words(category_zh, category_en)
    if urgent:
        title = Message("notifications.report-urgent", case_id=case_id, category=category)
        return NotificationText("report_urgent", title, description)
    title = Message("notifications.report-new", case_id=case_id, category=category)
    return NotificationText("report_new", title, description)


def verification_message(case_id: int, note: str | None) -> NotificationText:
    """What coordinators hear when a unit has handled a case: it waits for their 核查."""
    title = Message("notifications.case-to-verify", case_id=case_id)
    return NotificationText("case_to_verify", title, note or "")


def rider_registered_message(rider_name: str, community_name: str) -> NotificationText:
    """What coordinators hear of a rider's 报到备案 in their areas, waiting for their review."""
    title = Message("notifications.rider-registered", rider=rider_name, community=community_name)
    return NotificationText("rider_registered", title)
