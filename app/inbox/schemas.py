"""What the inbox endpoints give."""

from pydantic import BaseModel, Field


class InboxCounts(BaseModel):
    """What waits for the caller, each count as the list it belongs to would show it."""

    new_reports: int = Field(description="reports waiting to be accepted (待受理)")
    verification: int = Field(description="handled cases waiting for 核查")
    returned_tasks: int = Field(description="cases whose task was returned, not dispatched again")
    overdue_tasks: int = Field(description="overdue tasks their unit has not finished")
    registrations: int = Field(description="rider registrations (报到备案) waiting for review")
    unread: int = Field(description="unread notifications")
