"""Photos through POST /api/v1/reports: real camera files, hostile files, what is served back."""

import functools
import io
import struct
import zlib
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops, ImageStat
from sqlmodel import Session

from app.core.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from app.photos.metadata import read_jpeg_segments
from app.reports.models import Report, ReportEvent, ReportPhoto
from tests.clients import english_client
from tests.factories import GRID_POINT, assert_problem
from tests.fixtures.people import People
from tests.photos.factories import (
    TEST_CAMERA_MAKE,
    TEST_CAMERA_MODEL,
    fixture_photo,
    fixture_photo_paths,
    make_jpeg,
)
from tests.reports.factories import (
    count_rows,
    once_redacted,
    post_report,
    small_jpeg,
    stored_files,
    timed,
)

# Time limits are on the CPU time the request costs (see factories.timed), so that other work on
# a shared machine cannot fail them; a reader caught in a loop burns CPU and fails them at once.
NO_HANG_S = 10.0  # wall time: a request that waits instead of working
GPS_IFD = 0x8825
MAKE_TAG, MODEL_TAG = 0x010F, 0x0110
# Where the real photos were taken (lon, lat), read independently with exiftool-like care.
NOKIA_HELSINKI = (24.90677, 60.14671)
NIKON_TUSCANY_BOX = ((11.87, 43.46), (11.89, 43.47))
ORIENTATIONS = range(1, 9)
READER_CRASHERS = [
    *fixture_photo_paths("jpg/invalid"),
    *fixture_photo_paths("jpg/tests"),
    "jpg/corrupted.jpg",
]


def served(client: TestClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    return response.content


def served_images(
    client: TestClient, headers: dict[str, str], report: dict[str, object]
) -> list[bytes]:
    """The bytes of every display copy and thumbnail of a report, once redacted."""
    photos = once_redacted(client, headers, report)["photos"]
    assert isinstance(photos, list)
    assert photos
    return [served(client, photo[name]) for photo in photos for name in ("url", "thumbnail_url")]


def display_image(
    client: TestClient, headers: dict[str, str], report: dict[str, object]
) -> Image.Image:
    photos = once_redacted(client, headers, report)["photos"]
    assert isinstance(photos, list)
    return Image.open(io.BytesIO(served(client, photos[0]["url"])))


EUROPEAN_GPS_PHOTOS = ["jpg/mobile/HMD_Nokia_8.3_5G.jpg", *fixture_photo_paths("jpg/gps")]


@pytest.fixture
def worldwide_client(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    """A server whose service area reaches round the earth, so European points are kept."""
    wide = settings.model_copy(update={"unassigned_max_distance_m": 25_000_000.0})
    with english_client(
        create_app(runtime=Runtime(settings=wide, engine=runtime.engine, writer=runtime.writer))
    ) as client:
        yield client


@pytest.mark.parametrize("relative_path", EUROPEAN_GPS_PHOTOS)
def test_report_without_a_point_takes_the_gps_of_a_real_photo(
    worldwide_client: TestClient, people: People, relative_path: str
) -> None:
    """The points lie in Europe: in no grid, kept in the nearest community's unassigned queue."""
    client = worldwide_client
    response = post_report(
        client, people.rider.headers, (fixture_photo(relative_path),), lat=None, lon=None
    )
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["location_source"] == "exif"
    if "Nokia" in relative_path:
        assert (report["lon"], report["lat"]) == pytest.approx(NOKIA_HELSINKI, abs=1e-4)
    else:
        (min_lon, min_lat), (max_lon, max_lat) = NIKON_TUSCANY_BOX
        assert min_lon < report["lon"] < max_lon
        assert min_lat < report["lat"] < max_lat
    assert report["grid"] is None
    admin_queue = client.get(
        "/api/v1/reports", params={"unassigned": "true"}, headers=people.admin.headers
    ).json()
    assert [item["id"] for item in admin_queue["items"]] == [report["id"]]


@pytest.mark.parametrize("relative_path", EUROPEAN_GPS_PHOTOS[:2])
def test_a_photo_whose_gps_lies_outside_the_service_area_is_refused(
    client: TestClient, people: People, relative_path: str
) -> None:
    response = post_report(
        client, people.rider.headers, (fixture_photo(relative_path),), lat=None, lon=None
    )
    body = assert_problem(response, 422)
    # The photo's GPS was read (else: "send lat/lon or a photo with GPS"), then refused.
    assert body["errors"][0]["field"] == "lat"
    assert "service area" in body["detail"]


def _best_transpose_distance(image: Image.Image, reference: Image.Image) -> list[float]:
    """Mean grey difference to the reference for the image as served and its 7 other
    rotations and flips, at 1/20 scale (the samples differ in their printed digit)."""
    size = (reference.width // 20, reference.height // 20)
    small_reference = reference.convert("L").resize(size, Image.Resampling.BOX)
    candidates = [image, *(image.transpose(t) for t in Image.Transpose)]
    return [
        ImageStat.Stat(
            ImageChops.difference(
                small_reference, c.convert("L").resize(size, Image.Resampling.BOX)
            )
        ).mean[0]
        for c in candidates
    ]


@pytest.mark.parametrize("shape", ["landscape", "portrait"])
def test_every_exif_orientation_is_served_upright(
    client: TestClient, people: People, shape: str
) -> None:
    reference = display_image(
        client,
        people.rider.headers,
        post_report(
            client, people.rider.headers, (fixture_photo(f"jpg/orientation/{shape}_1.jpg"),)
        ).json(),
    )
    for orientation in ORIENTATIONS:
        photo = fixture_photo(f"jpg/orientation/{shape}_{orientation}.jpg")
        sent = post_report(client, people.rider.headers, (photo,)).json()
        image = display_image(client, people.rider.headers, sent)
        assert image.size == reference.size, orientation
        as_served, *turned = _best_transpose_distance(image, reference)
        # As served it matches the upright sample far better than any rotation or flip of it.
        assert as_served < 0.6 * min(turned), (orientation, as_served, turned)


@pytest.mark.parametrize("relative_path", READER_CRASHERS)
def test_files_that_crashed_exif_readers_are_answered_without_hanging_or_a_server_error(
    client: TestClient, people: People, relative_path: str
) -> None:
    headers, upload = people.rider.headers, fixture_photo(relative_path)
    with timed() as elapsed:
        response = post_report(client, headers, (upload,))
    # A hang guard, not a speed claim (bench/ measures speed): a stuck decoder would wait here.
    assert elapsed.wall_s < NO_HANG_S
    assert response.status_code in (201, 415, 422), response.text
    if response.status_code == 201:
        for data in served_images(client, headers, response.json()):
            assert GPS_IFD not in Image.open(io.BytesIO(data)).getexif()
    else:
        assert_problem(response, response.status_code)


def _jolla() -> bytes:
    return fixture_photo("jpg/mobile/jolla.jpg")


def _start_of_scan(jpeg: bytes) -> int:
    return next(s.start for s in read_jpeg_segments(jpeg) if s.marker == 0xDA)


def _with_frame_header(jpeg: bytes, payload: bytes) -> bytes:
    start = next(s.start for s in read_jpeg_segments(jpeg) if s.marker in (0xC0, 0xC2)) + 4
    return jpeg[:start] + payload + jpeg[start + len(payload) :]


def _png(width: int, height: int, rows: Callable[[], bytes]) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows()) + chunk(b"IEND", b"")
    )


@functools.cache
def _png_bomb() -> bytes:
    """A valid 12000x12000 PNG of zeros: 144 MP (over the 120 MP default) in about 140 KB."""
    width = height = 12_000

    def rows() -> bytes:
        compressor = zlib.compressobj(9)
        row = bytes(width + 1)
        return b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    return _png(width, height, rows)


def _svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9"/></svg>'


@pytest.mark.parametrize(
    ("make_upload", "status"),
    [
        pytest.param(lambda: _jolla()[:3000], 422, id="truncated in its headers"),
        pytest.param(lambda: _jolla()[: _start_of_scan(_jolla()) + 5000], 422, id="cut scan"),
        pytest.param(lambda: _jolla()[:-2], 422, id="no end of image"),
        pytest.param(lambda: _with_frame_header(_jolla(), b"\xff" * 15), 422, id="wrecked header"),
        pytest.param(lambda: _with_frame_header(_jolla(), b"\x08\x00\x00"), 422, id="zero height"),
        pytest.param(lambda: b"", 422, id="empty file"),
        pytest.param(lambda: "随手拍: not a photo\n".encode(), 415, id="text file"),
        pytest.param(_svg, 415, id="SVG"),
        pytest.param(lambda: b"GIF89a" + bytes(64), 415, id="GIF"),
        pytest.param(lambda: b"%PDF-1.7\n" + bytes(64), 415, id="PDF"),
        pytest.param(
            _png_bomb,
            422,
            id="decompression bomb",
            # Pillow warns before the pipeline refuses it; the refusal is what is tested.
            marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
        ),
        pytest.param(
            lambda: _with_frame_header(_jolla(), b"\x08\xfd\xe8\xfd\xe8"),
            422,
            id="JPEG header claiming 65000x65000",
        ),
    ],
)
def test_broken_or_hostile_upload_is_refused_and_leaves_nothing(
    client: TestClient,
    people: People,
    session: Session,
    settings: Settings,
    make_upload: Callable[[], bytes],
    status: int,
) -> None:
    headers, uploads = people.rider.headers, (small_jpeg(), make_upload())
    with timed() as elapsed:
        response = post_report(client, headers, uploads)
    assert elapsed.wall_s < NO_HANG_S  # a hang guard; bench/image_memory.py measures the cost
    body = assert_problem(response, status)
    assert body["errors"][0]["field"] == "photo[1]"
    assert count_rows(session, Report) == 0
    assert count_rows(session, ReportEvent) == 0
    assert count_rows(session, ReportPhoto) == 0
    assert stored_files(settings.photo_dir) == []


def test_iphone_heic_is_accepted_and_served_as_an_upright_jpeg(
    client: TestClient, people: People
) -> None:
    photo = fixture_photo("heic/mobile/iphone_13_pro_max.HEIC")
    response = post_report(client, people.rider.headers, (photo,))
    assert response.status_code == 201, response.text
    [served_photo] = response.json()["photos"]
    assert (served_photo["width"], served_photo["height"]) == (1200, 1600)
    image = display_image(client, people.rider.headers, response.json())
    assert (image.format, image.size) == ("JPEG", (1200, 1600))


def _jpeg_with_all_metadata() -> bytes:
    """A test-camera JPEG with GPS in Fengyang, and XMP and IPTC blocks as editors write them."""
    image = Image.open(io.BytesIO(make_jpeg(1200, 900, gps=GRID_POINT)))
    exif = image.getexif()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>TantouXmpSecret</rdf:RDF></x:xmpmeta>'
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x12\x1c\x02\x19\x00\x0dTantouIptcTag"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, xmp=xmp, quality=90)
    data = buffer.getvalue()
    app13 = b"\xff\xed" + (len(iptc) + 2).to_bytes(2, "big") + iptc
    return data[:2] + app13 + data[2:]


@pytest.mark.parametrize(
    ("make_upload", "secrets"),
    [
        pytest.param(
            _jpeg_with_all_metadata,
            [
                TEST_CAMERA_MAKE.encode(),
                TEST_CAMERA_MODEL.encode(),
                b"TantouXmpSecret",
                b"TantouIptcTag",
                b"xmpmeta",
                b"Photoshop 3.0",
            ],
            id="generated with EXIF GPS, XMP and IPTC",
        ),
        pytest.param(
            lambda: fixture_photo("jpg/mobile/HMD_Nokia_8.3_5G.jpg"),
            [b"HMD Global", b"Nokia 8.3"],
            id="Nokia phone photo",
        ),
    ],
)
def test_served_copies_carry_no_location_device_or_editor_metadata(
    client: TestClient, people: People, make_upload: Callable[[], bytes], secrets: list[bytes]
) -> None:
    upload = make_upload()
    assert all(secret in upload for secret in secrets)  # the upload really carries them
    response = post_report(client, people.rider.headers, (upload,))
    assert response.status_code == 201, response.text
    for data in served_images(client, people.rider.headers, response.json()):
        exif = Image.open(io.BytesIO(data)).getexif()
        assert GPS_IFD not in exif
        assert MAKE_TAG not in exif
        assert MODEL_TAG not in exif
        assert "xmp" not in Image.open(io.BytesIO(data)).info
        for secret in secrets:
            assert secret not in data


def test_bytes_after_the_end_of_a_jpeg_are_not_served(client: TestClient, people: People) -> None:
    clean = make_jpeg(640, 480)
    # Phones append secondary images (with their own GPS) and vendor trailers after the EOI.
    trailer = make_jpeg(64, 48, gps=GRID_POINT) + b"VENDOR-TRAILER-SECRET"
    with_trailer = post_report(client, people.rider.headers, (clean + trailer,)).json()
    without_trailer = post_report(client, people.rider.headers, (clean,)).json()
    headers = people.rider.headers
    assert (
        once_redacted(client, headers, with_trailer)["photos"][0]["url"]
        == once_redacted(client, headers, without_trailer)["photos"][0]["url"]
    )
    for data in served_images(client, headers, with_trailer):
        assert b"VENDOR-TRAILER-SECRET" not in data
