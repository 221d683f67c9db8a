"""Reports: snap and report, the same-problem check, reading reports and the urgent stream."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from app.accounts.deps import (
    CurrentScope,
    ReportReader,
    ReportReaderScope,
    ReportWriter,
    ReportWriterScope,
    RiderAccount,
)
from app.core.clock import utcnow
from app.core.deps import ReadSession, RuntimeDep, SettingsDep, WriteSession
from app.core.inputs import DbId
from app.core.periods import PeriodQuery
from app.grids.crs import CoordinateSystem, to_wgs84
from app.photos import intake
from app.photos.sealing import original_store
from app.photos.urls import photo_url_signer
from app.reports import (
    export,
    listing,
    manual_regions,
    reading,
    reveal,
    service,
    submission,
    supporters,
)
from app.reports.access import load_visible_report
from app.reports.caller_phones import caller_view_for, record_views
from app.reports.intake import intake_slot
from app.reports.likely_duplicates import likely_duplicates
from app.reports.models import Channel
from app.reports.schemas import (
    LikelyDuplicateList,
    LikelyDuplicatePublic,
    NearbyList,
    PhotoPublic,
    RegionAdd,
    ReportEventList,
    ReportPage,
    ReportPublic,
    RevealRequest,
    SubmittedReport,
    SupporterCount,
    photo_public,
)
from app.reports.states import ReportStatus
from app.reports.stream import (
    StreamViewer,
    held_stream_viewer,
    live_feed_of,
    report_events,
)

router = APIRouter(tags=["reports"])

DESCRIPTION_MAX_CHARS = 2_000
PAGE_MAX_ITEMS = 100
PAGE_DEFAULT_ITEMS = 20
# 身边事 looks about a kilometre around; wider would be a map of the county, not of "nearby".
NEARBY_MAX_RADIUS_M = 2_000


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=SubmittedReport,
    responses={
        200: {"model": SubmittedReport, "description": "a replay: the report already made"},
        409: {"description": "the client_id was used for a report with other content"},
        413: {"description": "a photo or the request is over its byte limit"},
        415: {"description": "a photo is not a JPEG, PNG, WebP or HEIC/HEIF image"},
        503: {"description": "too busy to take the report now: send it again after Retry-After"},
    },
)
def submit_report(
    _intake: Annotated[None, Depends(intake_slot, scope="function")],
    response: Response,
    runtime: RuntimeDep,
    account: ReportWriter,
    scope: ReportWriterScope,
    category: Annotated[str, Form(min_length=1, max_length=8, description="category code")],
    client_id: Annotated[uuid.UUID, Form(description="chosen by the client; replays are safe")],
    description: Annotated[str, Form(max_length=DESCRIPTION_MAX_CHARS)] = "",
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    crs: Annotated[CoordinateSystem, Form()] = CoordinateSystem.WGS84,
    accuracy_m: Annotated[float | None, Form(ge=0, le=1_000_000)] = None,
    urgent: Annotated[bool, Form()] = False,
    channel: Annotated[Channel, Form()] = Channel.APP,
    caller_name: Annotated[str | None, Form(max_length=50, description="recorded channels")] = None,
    caller_phone: Annotated[
        str | None, Form(max_length=20, description="recorded channels")
    ] = None,
    photo: Annotated[
        list[UploadFile] | None, File(description="JPEG, PNG, WebP or HEIC/HEIF; repeat the field")
    ] = None,
) -> SubmittedReport:
    """随手拍: a report with photos and a point (else the first photo's GPS); 201 with it and the
    open reports of its category nearby, or 200 with the same report for a replayed client_id.
    Coordinators may record phone, WeChat and message reports for their areas, without photos."""
    settings = runtime.settings
    uploads = photo or []
    channel = service.channel_of(account, channel)
    service.check_submitter(account, channel)
    photos = intake.read_checked_uploads(settings, uploads)
    draft = service.ReportDraft(
        client_id=str(client_id),
        category_code=category,
        description=description.strip(),
        point=service.submitted_point(lat, lon, crs),
        accuracy_m=accuracy_m,
        urgent=urgent,
        channel=channel,
        caller_name=_text_or_none(caller_name),
        caller_phone=_text_or_none(caller_phone),
        photos=tuple(photos),
    )
    service.check_draft(draft)
    submitted = submission.submit(runtime, scope, draft)
    response.status_code = status.HTTP_201_CREATED if submitted.created else status.HTTP_200_OK
    return submission.submitted_report(runtime, submitted, scope)


@router.get("/reports/nearby", response_model=NearbyList)
def list_nearby(
    session: ReadSession,
    settings: SettingsDep,
    _account: ReportReader,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    category: Annotated[
        str | None,
        Query(min_length=1, max_length=8, description="absent: every category, of any age"),
    ] = None,
    radius_m: Annotated[
        float | None,
        Query(gt=0, le=NEARBY_MAX_RADIUS_M, description="default TANTOU_NEARBY_RADIUS_M"),
    ] = None,
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> NearbyList:
    """Open reports near the point, nearest first: of the category in the last
    TANTOU_NEARBY_DAYS ("is it this one?" before sending), or of every category (身边事)."""
    if category is not None:
        service.submittable_category(session, category)
    lon84, lat84 = to_wgs84(lon, lat, crs)
    items = reading.nearby_reports(
        session,
        lon=lon84,
        lat=lat84,
        category_code=category,
        radius_m=radius_m or settings.nearby_radius_m,
        days=settings.nearby_days,
        photo_url=photo_url_signer(settings.secret_key),
    )
    return NearbyList(items=items)


@router.get(
    "/reports/stream",
    response_class=EventSourceResponse,
    responses={
        200: {"description": "`urgent_report` and `new_report` events, each a report as JSON"},
        429: {"description": "the account has TANTOU_MAX_STREAMS_PER_ACCOUNT streams open"},
    },
)
async def stream_new_reports(
    viewer: Annotated[StreamViewer, Depends(held_stream_viewer)], runtime: RuntimeDep
) -> AsyncIterator[ServerSentEvent]:
    """New reports in the caller's areas, pushed within a second of being saved: `urgent_report`
    for urgent ones, `new_report` for the rest.

    Coordinators and admins. Reports saved before the stream opened are not repeated: load the
    list on every (re)connect."""
    async for event in report_events(live_feed_of(runtime), viewer.scope):
        yield event


def report_filter(
    period: PeriodQuery,
    status: ReportStatus | None = None,
    grid: Annotated[
        str | None, Query(max_length=32, description="a grid, or an area for all below it")
    ] = None,
    category: Annotated[str | None, Query(max_length=8)] = None,
    urgent: bool | None = None,
    unassigned: Annotated[
        bool | None, Query(description="true: only reports in no grid (the unassigned queue)")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=listing.SEARCH_MAX_CHARS,
            description="search: a report id, words of the description, or (coordinators and "
            "admins) a caller's phone or its last digits",
        ),
    ] = None,
) -> listing.ReportFilter:
    """The list filters shared by the queue and its export."""
    return listing.ReportFilter(
        status=status,
        area_code=grid,
        category_code=category,
        urgent=urgent,
        unassigned=unassigned,
        text=_text_or_none(q),
        created_from=period.since,
        created_to=period.until,
    )


ReportFilterQuery = Annotated[listing.ReportFilter, Depends(report_filter)]


@router.get(
    "/reports/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {media_type: {} for media_type in export.MEDIA_TYPES.values()},
            "description": "a file to download, streamed",
        }
    },
)
def export_reports(
    runtime: RuntimeDep,
    scope: ReportReaderScope,
    filters: ReportFilterQuery,
    export_format: Annotated[export.ExportFormat, Query(alias="format")] = export.ExportFormat.CSV,
) -> StreamingResponse:
    """Every report the queue's filter shows (the same parameters as `GET /reports`), as CSV
    (UTF-8 with a BOM, formula-safe), XLSX or GeoJSON, in the queue's order; streamed, so a
    million rows start at once. Coordinators and admins; no callers and no photo links."""
    export.EXPORTERS.check(scope.role)
    chunks = export.export_chunks(
        runtime.engine,
        scope,
        filters,
        export_format,
        zone=runtime.work_calendar().tz,
        photo_url=photo_url_signer(runtime.settings.secret_key),
    )
    filename = export.export_filename(
        export_format, utcnow().astimezone(runtime.work_calendar().tz)
    )
    return StreamingResponse(
        chunks,
        media_type=export.MEDIA_TYPES[export_format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/reports/{report_id}", response_model=ReportPublic)
def get_report(
    report_id: DbId, session: ReadSession, runtime: RuntimeDep, scope: ReportReaderScope
) -> ReportPublic:
    """One report: its reporter, coordinators of its area and admins may see it. An admin sees
    a recorded caller's whole phone, and the view is audited first."""
    report = load_visible_report(session, scope, report_id)
    callers = caller_view_for(scope.role, one_report=True)
    record_views(runtime.writer, [report], callers, viewer_id=scope.account_id)
    return reading.present_reports(
        session,
        [report],
        photo_url=photo_url_signer(runtime.settings.secret_key),
        callers=callers,
    )[0]


@router.get("/reports/{report_id}/likely-duplicates", response_model=LikelyDuplicateList)
def list_likely_duplicates(
    report_id: DbId, session: ReadSession, settings: SettingsDep, scope: ReportReaderScope
) -> LikelyDuplicateList:
    """The open cases this report most likely duplicates: its category within the nearby
    radius from `nearby_days` before it on, the most alike photos (perceptual hash) first, then
    the nearest. Scoped like the report itself, and each case like the queue."""
    report = load_visible_report(session, scope, report_id)
    found = likely_duplicates(
        session,
        scope,
        report,
        radius_m=settings.nearby_radius_m,
        days=settings.nearby_days,
    )
    presented = reading.present_reports(
        session,
        [likely.report for likely in found],
        photo_url=photo_url_signer(settings.secret_key),
        callers=caller_view_for(scope.role),
    )
    return LikelyDuplicateList(
        items=[
            LikelyDuplicatePublic(
                report=public,
                distance_m=round(likely.distance_m, 1),
                photo_distance=likely.photo_distance,
            )
            for likely, public in zip(found, presented, strict=True)
        ]
    )


@router.get("/reports", response_model=ReportPage)
def list_reports(
    session: ReadSession,
    settings: SettingsDep,
    scope: ReportReaderScope,
    filters: ReportFilterQuery,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX_ITEMS)] = PAGE_DEFAULT_ITEMS,
) -> ReportPage:
    """The reports the caller may see, newest first; coordinators and admins get
    urgent ones first. Pass `next_cursor` back as `cursor` for the next page."""
    reports, next_cursor = listing.list_reports(session, scope, filters, cursor=cursor, limit=limit)
    items = reading.present_reports(
        session,
        reports,
        photo_url=photo_url_signer(settings.secret_key),
        callers=caller_view_for(scope.role),
    )
    return ReportPage(items=items, next_cursor=next_cursor)


@router.post(
    "/reports/{report_id}/supporters",
    response_model=SupporterCount,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "this rider had joined already: counted once"},
        403: {"description": "the caller is the report's own reporter, or not a rider"},
        409: {"description": "the report is closed, rejected or merged into another"},
    },
)
def support_report(
    report_id: DbId, response: Response, session: WriteSession, rider: RiderAccount
) -> SupporterCount:
    """我也遇到 ("me too"): an active rider who sees an open problem someone else reported joins
    it instead of reporting it again, and follows the case from then on (reads it, is notified
    of it) as its reporter does."""
    assert rider.id is not None
    count, added = supporters.support(session, report_id, rider.id)
    session.commit()
    if not added:
        response.status_code = status.HTTP_200_OK
    return SupporterCount(supporters=count)


@router.post(
    "/reports/{report_id}/photos/{photo_id}/reveal",
    response_class=Response,
    responses={
        200: {"description": "the region, as JPEG", "content": {"image/jpeg": {}}},
        403: {"description": "not a coordinator"},
        404: {"description": "not a report of the coordinator's areas, or not its photo"},
        410: {"description": "the sealed original has been deleted after its retention period"},
        422: {"description": "the photo has no such region, or the reason is missing"},
    },
)
def reveal_photo_region(
    report_id: DbId,
    photo_id: DbId,
    body: RevealRequest,
    session: WriteSession,
    runtime: RuntimeDep,
    scope: CurrentScope,
) -> Response:
    """One redacted region of a photo as it was before redaction, cut from the sealed original,
    for a coordinator of the report's area who says why; the look (who, when, which region,
    why) is audited before the region is sent. The original itself is never sent."""
    region = reveal.reveal_region(
        session,
        scope,
        report_id=report_id,
        photo_id=photo_id,
        region=body.region,
        reason=body.reason,
        secret_key=runtime.settings.secret_key,
        originals=original_store(runtime.settings),
    )
    return Response(region, media_type="image/jpeg", headers={"Cache-Control": "no-store, private"})


@router.post(
    "/reports/{report_id}/photos/{photo_id}/regions",
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"description": "not a coordinator"},
        404: {"description": "not a report of the coordinator's areas, or not its photo"},
        409: {"description": "the photo is not redacted yet, or changed meanwhile"},
        422: {"description": "the box lies outside the photo or is too small"},
        503: {"description": "the image workers are busy; retry after Retry-After"},
    },
)
def add_photo_region(
    report_id: DbId, photo_id: DbId, body: RegionAdd, runtime: RuntimeDep, scope: CurrentScope
) -> PhotoPublic:
    """A coordinator of the report's area pixelates one more region (a face or plate the
    detectors missed) in every served copy of the photo; the answer is the photo with its new
    links. Who added it and when is kept with the region."""
    photo = manual_regions.add_region(
        runtime, scope, report_id=report_id, photo_id=photo_id, box=body.box
    )
    return photo_public(photo, photo_url_signer(runtime.settings.secret_key))


@router.get("/reports/{report_id}/events", response_model=ReportEventList)
def list_report_events(
    report_id: DbId, session: ReadSession, account: ReportReader, scope: ReportReaderScope
) -> ReportEventList:
    """The report's timeline: every step with who, when and the note."""
    report = load_visible_report(session, scope, report_id)
    return ReportEventList(items=reading.report_timeline(session, report, viewer=account))


def _text_or_none(value: str | None) -> str | None:
    return (value or "").strip() or None
