"""What a delivery's `data` holds, rendered in the transaction of the change (a snapshot of
that moment) with the API's own serialisers, and the body that is finally sent.

Photo URLs are signed when a delivery is sent, not when it is written: the snapshot keeps each
photo's stored-file key, so that a URL is valid for a day or two after the receiver gets it.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.cases.models import Task
from app.cases.schemas import task_public
from app.core.clock import utcnow
from app.reports.caller_phones import CallerView
from app.reports.models import Report
from app.reports.reading import present_reports
from app.units.models import Unit

JSON = dict[str, Any]


def _keep_photo_key(key: str) -> str:
    return key


def report_data(session: Session, report: Report) -> JSON:
    """The report as GET /reports/{id} shows it to an integrator (no caller details)."""
    [public] = present_reports(
        session, [report], photo_url=_keep_photo_key, callers=CallerView.HIDDEN
    )
    return public.model_dump(mode="json")


def task_data(task: Task, unit: Unit, report: Report) -> JSON:
    """The task as the task list shows it."""
    return task_public(task, unit, report, now=utcnow()).model_dump(mode="json")


def with_signed_photos(data: JSON, photo_url: Callable[[str], str]) -> JSON:
    """`data` with its report's photo keys turned into signed URLs (a photo not redacted when
    the event happened has none)."""
    report = data.get("report")
    if not isinstance(report, dict) or not report.get("photos"):
        return data
    photos = [
        {
            **photo,
            "url": photo["url"] and photo_url(photo["url"]),
            "thumbnail_url": photo["thumbnail_url"] and photo_url(photo["thumbnail_url"]),
        }
        for photo in report["photos"]
    ]
    return {**data, "report": {**report, "photos": photos}}


def delivery_body(event: str, delivery_id: str, occurred_at: datetime, data: JSON) -> bytes:
    """The raw JSON body that is signed and sent."""
    envelope = {
        "event": event,
        "delivery_id": delivery_id,
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
