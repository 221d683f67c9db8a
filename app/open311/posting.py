"""Open311 POST: a service request from another system becomes a report on the `api` channel."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.accounts.deps import account_of_key
from app.accounts.models import ApiKey, ApiScope
from app.accounts.scope import scope_of
from app.categories.models import Category
from app.core.clock import utcnow
from app.core.db import session_scope
from app.core.runtime import Runtime
from app.open311.intake import Open311Request, draft_of
from app.open311.media import fetch_media
from app.reports import service, submission
from app.reports.models import Report


@dataclass(frozen=True)
class PostedRequest:
    report: Report
    token: str
    created: bool
    service_notice: str


def post_request(
    runtime: Runtime, raw_key: str, form: dict[str, str], media: bytes | None
) -> PostedRequest:
    """Make (or, for a retry, find) the report a POST asks for; raises the errors it meets."""
    settings = runtime.settings
    # Reads only: no lock may be held while a media URL is fetched or photos are converted.
    with session_scope(runtime.engine, write=False) as session:
        account = account_of_key(session, runtime, raw_key, [ApiScope.OPEN311])
        assert account.id is not None
        request = Open311Request.from_form(form)
        token = request.client_id(media, utcnow().date())
        replay = _report_made(session, account.id, token)
        if replay is not None:
            session.commit()
            return PostedRequest(replay, token, False, _notice(session, replay))
        photos: tuple[bytes, ...] = ()
        if media is not None:
            photos = (media,)
        elif request.media_url:
            photos = (
                fetch_media(
                    request.media_url,
                    max_bytes=settings.max_photo_bytes,
                    allow_private=settings.media_fetch_allow_private,
                ),
            )
        draft = draft_of(session, request, client_id=token, photos=photos)
        service.check_draft(draft)
        scope = scope_of(session, account)
        session.commit()
        submitted = submission.submit(runtime, scope, draft)
        report = submitted.report
        return PostedRequest(report, token, submitted.created, _notice(session, report))


def report_of_token(session: Session, token: str) -> Report | None:
    """The report an Open311 POST made, by the token it answered with."""
    statement = (
        select(Report)
        .join(ApiKey, col(ApiKey.account_id) == col(Report.reporter_id))
        .where(col(Report.client_id) == token)
    )
    return session.exec(statement).first()


def _report_made(session: Session, account_id: int, token: str) -> Report | None:
    statement = select(Report).where(Report.reporter_id == account_id, Report.client_id == token)
    return session.exec(statement).first()


def _notice(session: Session, report: Report) -> str:
    category = session.get(Category, report.category_code)
    hours = f"{category.time_limit_hours:g}" if category is not None else "?"
    return f"已收到，网格员受理后按时限 {hours} 小时处置"
