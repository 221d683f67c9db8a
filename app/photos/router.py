"""Serving stored photos through signed URLs (see app.photos.urls).

The app checks the link, then answers with the file (file store), the object's bytes (object
store, TANTOU_PHOTO_DELIVERY=app) or a redirect to a short-lived URL signed by the object store
(signed_url), so that the bytes go from the store to the browser without passing the app.
"""

import re
import time
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import FileResponse, RedirectResponse

from app.core.deps import SettingsDep
from app.core.errors import Forbidden, NotFound
from app.core.messages import Message
from app.photos.file_store import FileStore
from app.photos.s3_store import S3Store
from app.photos.storage import photo_store
from app.photos.urls import is_valid_photo_signature

router = APIRouter(tags=["photos"])

_KEY = re.compile(r"[0-9a-f]{64}")
JPEG_MEDIA_TYPE = "image/jpeg"
# The longest a redirect's URL signed by the object store lives (and the redirect is cached).
STORE_URL_SECONDS = 300


@router.get(
    "/photos/{key}.jpg",
    response_class=FileResponse,
    responses={
        200: {"content": {JPEG_MEDIA_TYPE: {}}, "description": "the photo"},
        304: {"description": "the cached copy is current"},
        307: {"description": "TANTOU_PHOTO_DELIVERY=signed_url: the object store's signed URL"},
    },
)
def serve_photo(
    key: str,
    settings: SettingsDep,
    exp: Annotated[int, Query(description="expiry, Unix seconds")],
    sig: Annotated[str, Query(max_length=64, description="signature from the report")],
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """A photo or thumbnail of a report, by a URL taken from a report the caller may see."""
    now_s = time.time()
    if not _KEY.fullmatch(key) or not is_valid_photo_signature(
        key, exp, sig, secret_key=settings.secret_key, now_s=now_s
    ):
        raise Forbidden(Message("photos.bad-link"))
    # The content never changes under its key, so it may be cached for the link's whole life.
    headers = {
        "ETag": f'"{key}"',
        "Cache-Control": f"private, max-age={int(exp - now_s)}, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    if _matches(if_none_match, key):
        return Response(status_code=304, headers=headers)
    store = photo_store(settings)
    if isinstance(store, FileStore):
        path = store.path(key)
        if not path.is_file():
            raise NotFound(Message("photos.not-stored"))
        return FileResponse(path, media_type=JPEG_MEDIA_TYPE, headers=headers)
    if isinstance(store, S3Store) and settings.photo_delivery == "signed_url":
        return _redirect_to_store(store, key, link_seconds=int(exp - now_s))
    try:
        photo = store.read(key)
    except FileNotFoundError as missing:
        raise NotFound(Message("photos.not-stored")) from missing
    return Response(photo, media_type=JPEG_MEDIA_TYPE, headers=headers)


def _redirect_to_store(store: S3Store, key: str, *, link_seconds: int) -> Response:
    # Never longer than the app's own link; the redirect may be reused while its target lives.
    lifetime = max(1, min(STORE_URL_SECONDS, link_seconds))
    return RedirectResponse(
        store.signed_url(key, expires_s=lifetime),
        status_code=307,
        headers={"Cache-Control": f"private, max-age={lifetime // 2}"},
    )


def _matches(if_none_match: str | None, key: str) -> bool:
    if if_none_match is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or f'"{key}"' in tags
