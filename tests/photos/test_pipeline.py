"""process_photo with real camera and phone photos, damaged copies of them, and generated ones."""

import hashlib
import io
import struct
import time
import warnings
import zlib
from collections.abc import Callable
from typing import Literal

import pytest
from PIL import Image, ImageChops, ImageFile, ImageStat

from app.photos.detectors import load_detectors
from app.photos.metadata import read_jpeg_segments
from app.photos.pipeline import (
    DISPLAY_LONG_EDGE_PX,
    THUMBNAIL_LONG_EDGE_PX,
    DerivedImage,
    InvalidPhoto,
    PhotoError,
    PixelLimits,
    ProcessedPhoto,
    UnsupportedPhoto,
    process_photo,
    sniff_format,
)
from tests.photos.factories import (
    FENGYANG_LON_LAT,
    TEST_CAMERA_MAKE,
    TEST_CAMERA_MODEL,
    fixture_photo,
    fixture_photo_paths,
    make_jpeg,
)

LIMITS = PixelLimits(per_photo=50_000_000, full_decode=25_000_000)
# A reader caught in a loop takes minutes; the conversion, redaction included, well under a
# second on a quiet core. The bound leaves room for a busy one (both test workers converting).
NO_HANG_S = 5.0


@pytest.fixture(autouse=True, scope="module")
def loaded_detectors() -> None:
    """Load the detector models before any test times a conversion."""
    load_detectors()


NIKON_GPS_PHOTOS = fixture_photo_paths("jpg/gps")
ORIENTATION_SAMPLES = [
    f"jpg/orientation/{shape}_{orientation}.jpg"
    for shape in ("landscape", "portrait")
    for orientation in range(1, 9)
]
FILES_THAT_BROKE_EXIF_READERS = [
    *fixture_photo_paths("jpg/invalid"),
    *fixture_photo_paths("jpg/tests"),
    "jpg/corrupted.jpg",
]


def process(data: bytes) -> ProcessedPhoto:
    return process_photo(data, limits=LIMITS)


def decoded(copy: DerivedImage | bytes) -> Image.Image:
    data = copy.data if isinstance(copy, DerivedImage) else copy
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_served_copy_has_no_metadata(jpeg: bytes, *device_strings: str) -> None:
    image = decoded(jpeg)
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not {"exif", "xmp", "icc_profile", "photoshop", "comment"} & image.info.keys()
    assert b"Exif" not in jpeg
    assert b"http://ns.adobe.com/xap" not in jpeg
    for device_string in device_strings:
        assert device_string.strip().encode() not in jpeg


def small_grey(copy: DerivedImage) -> Image.Image:
    return decoded(copy).convert("L").resize((32, 32), Image.Resampling.BOX)


def mean_difference(first: Image.Image, second: Image.Image) -> float:
    return float(ImageStat.Stat(ImageChops.difference(first, second)).mean[0])


def png_header_claiming(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IEND", b"")


def png_of_zeros(width: int, height: int) -> bytes:
    """A real, valid greyscale PNG of width x height black pixels, tiny once compressed."""
    compressor = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte 0, then the pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    checksum = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", checksum)


def encoded(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def frame_header_offset(jpeg: bytes) -> int:
    return next(s.start for s in read_jpeg_segments(jpeg) if s.marker in (0xC0, 0xC1, 0xC2))


def wreck_frame_header(jpeg: bytes, payload: bytes) -> bytes:
    start = frame_header_offset(jpeg) + 4  # past the marker and the length
    return jpeg[:start] + payload + jpeg[start + len(payload) :]


# --- GPS and time -----------------------------------------------------------------------------


def test_nokia_phone_photo_is_located_in_helsinki() -> None:
    photo = process(fixture_photo("jpg/mobile/HMD_Nokia_8.3_5G.jpg"))

    assert photo.gps == pytest.approx((24.9068, 60.1467), abs=1e-4)
    assert (photo.format, photo.width, photo.height) == ("jpeg", 4608, 1976)


@pytest.mark.parametrize("relative_path", NIKON_GPS_PHOTOS)
def test_nikon_camera_photos_are_located_in_tuscany(relative_path: str) -> None:
    photo = process(fixture_photo(relative_path))

    assert photo.gps is not None
    lon, lat = photo.gps
    assert 11.87 < lon < 11.89
    assert 43.46 < lat < 43.47


def test_generated_phone_photo_is_located_in_fengyang(fengyang_jpeg: bytes) -> None:
    photo = process(fengyang_jpeg)

    assert photo.gps == pytest.approx(FENGYANG_LON_LAT, abs=1e-6)


def test_photo_without_gps_has_no_location() -> None:
    assert process(fixture_photo("jpg/mobile/jolla.jpg")).gps is None


def test_taken_at_comes_from_date_time_original() -> None:
    photo = process(fixture_photo("jpg/mobile/HMD_Nokia_8.3_5G.jpg"))

    assert photo.taken_at is not None
    assert photo.taken_at.isoformat() == "2022-08-14T14:12:31"


# --- Orientation ------------------------------------------------------------------------------


@pytest.mark.parametrize("relative_path", ORIENTATION_SAMPLES)
def test_every_exif_orientation_comes_out_upright(relative_path: str) -> None:
    shape = relative_path.split("/")[-1].split("_")[0]
    reference = small_grey(process(fixture_photo(f"jpg/orientation/{shape}_1.jpg")).display)
    photo = process(fixture_photo(relative_path))

    # Upright means: of the 8 ways to turn and flip the result, leaving it alone matches best.
    output = small_grey(photo.display)
    differences = {
        transpose: mean_difference(output.transpose(transpose), reference)
        for transpose in Image.Transpose
    }
    assert mean_difference(output, reference) < min(differences.values())
    assert mean_difference(output, reference) < 20
    expected_size = (600, 450) if shape == "landscape" else (450, 600)
    assert (photo.width, photo.height) == expected_size
    assert (photo.display.width, photo.display.height) == expected_size
    expected_thumbnail_size = (320, 240) if shape == "landscape" else (240, 320)
    assert decoded(photo.thumbnail).size == expected_thumbnail_size


@pytest.mark.parametrize("orientation", range(1, 9))
def test_generated_sideways_photo_shows_its_top_left_block_top_left(orientation: int) -> None:
    photo = process(make_jpeg(400, 300, orientation=orientation))

    display = decoded(photo.display)
    assert display.size == (400, 300)
    assert display.getpixel((20, 20)) == pytest.approx((200, 20, 20), abs=30)


# --- What is served ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative_path", "device_strings"),
    [
        ("jpg/mobile/HMD_Nokia_8.3_5G.jpg", ("HMD Global", "Nokia 8.3 5G")),
        ("jpg/gps/DSCN0010.jpg", ("NIKON", "COOLPIX P6000")),
        ("jpg/hdr/iphone_hdr_NO.jpg", ("Apple", "iPhone 6")),
        ("jpg/tests/67-0_length_string.jpg", ("samsung", "SM-G930F")),
        ("heic/mobile/iphone_13_pro_max.HEIC", ("Apple", "iPhone 13 Pro Max")),
    ],
)
def test_served_copies_carry_no_gps_device_or_xmp(
    relative_path: str, device_strings: tuple[str, ...]
) -> None:
    photo = process(fixture_photo(relative_path))

    assert_served_copy_has_no_metadata(photo.display.data, *device_strings)
    assert_served_copy_has_no_metadata(photo.thumbnail.data, *device_strings)


def test_generated_photo_copies_carry_no_camera_make_or_model(fengyang_jpeg: bytes) -> None:
    photo = process(fengyang_jpeg)

    for copy in (photo.display, photo.thumbnail):
        assert_served_copy_has_no_metadata(copy.data, TEST_CAMERA_MAKE, TEST_CAMERA_MODEL)


def test_large_photo_is_scaled_to_the_display_and_thumbnail_edges() -> None:
    photo = process(fixture_photo("jpg/mobile/HMD_Nokia_8.3_5G.jpg"))

    assert (photo.display.width, photo.display.height) == (DISPLAY_LONG_EDGE_PX, 686)
    assert decoded(photo.display).size == (DISPLAY_LONG_EDGE_PX, 686)
    assert (photo.thumbnail.width, photo.thumbnail.height) == (THUMBNAIL_LONG_EDGE_PX, 137)
    assert decoded(photo.thumbnail).size == (THUMBNAIL_LONG_EDGE_PX, 137)


def test_small_photo_is_never_enlarged() -> None:
    photo = process(fixture_photo("jpg/Canon_40D.jpg"))

    assert decoded(photo.display).size == (100, 68)
    assert decoded(photo.thumbnail).size == (100, 68)


def test_copies_are_named_by_the_sha256_of_their_bytes(fengyang_jpeg: bytes) -> None:
    photo = process(fengyang_jpeg)

    for copy in (photo.display, photo.thumbnail):
        assert copy.sha256 == hashlib.sha256(copy.data).hexdigest()


def test_bytes_appended_after_the_end_of_image_are_never_served(fengyang_jpeg: bytes) -> None:
    trailer = b"VENDOR-TRAILER" + make_jpeg(64, 48, gps=(2.35, 48.85))

    photo = process(fengyang_jpeg + trailer)

    assert photo.gps == pytest.approx(FENGYANG_LON_LAT, abs=1e-6)
    for served in (photo.display.data, photo.thumbnail.data):
        assert b"VENDOR-TRAILER" not in served
        assert served.count(b"\xff\xd8") == 1


def test_multi_picture_jpeg_is_served_without_its_metadata() -> None:
    first = Image.open(io.BytesIO(make_jpeg(640, 480, gps=FENGYANG_LON_LAT)))
    second = Image.new("RGB", (320, 240), "blue")
    mpo = encoded(first, "MPO", save_all=True, append_images=[second], exif=first.getexif())

    photo = process(mpo)

    assert (photo.width, photo.height) == (640, 480)  # the first picture
    assert b"MPF\x00" not in photo.display.data
    assert_served_copy_has_no_metadata(photo.display.data, TEST_CAMERA_MAKE)


# --- Formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "expected_format", "expected_rgb"),
    [
        pytest.param(
            encoded(Image.new("RGBA", (64, 48), (255, 0, 0, 0)), "PNG"),
            "png",
            (255, 255, 255),
            id="transparent RGBA PNG on white",
        ),
        pytest.param(
            encoded(Image.new("RGBA", (64, 48), (255, 0, 0, 128)), "PNG"),
            "png",
            (255, 127, 127),
            id="half-transparent RGBA PNG",
        ),
        pytest.param(
            encoded(Image.new("LA", (64, 48), (0, 255)), "PNG"),
            "png",
            (0, 0, 0),
            id="opaque grey-alpha PNG",
        ),
        pytest.param(
            encoded(Image.new("P", (64, 48), 0), "PNG", transparency=0),
            "png",
            (255, 255, 255),
            id="palette PNG with a transparent index",
        ),
        pytest.param(
            encoded(Image.new("I;16", (64, 48), 0x8080), "PNG"),
            "png",
            (128, 128, 128),
            id="16-bit grey PNG scaled, not clipped",
        ),
        pytest.param(
            encoded(Image.new("1", (64, 48), 1), "PNG"),
            "png",
            (255, 255, 255),
            id="1-bit PNG",
        ),
        pytest.param(
            encoded(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG"),
            "jpeg",
            (255, 0, 0),
            id="CMYK JPEG",
        ),
        pytest.param(
            encoded(Image.new("L", (64, 48), 90), "JPEG"),
            "jpeg",
            (90, 90, 90),
            id="greyscale JPEG",
        ),
        pytest.param(
            encoded(Image.new("RGB", (64, 48), (0, 0, 255)), "WEBP", quality=90),
            "webp",
            (0, 0, 255),
            id="WebP",
        ),
        pytest.param(
            encoded(Image.new("RGBA", (64, 48), (0, 0, 255, 0)), "WEBP", lossless=True),
            "webp",
            (255, 255, 255),
            id="transparent WebP on white",
        ),
    ],
)
def test_supported_formats_become_rgb_jpeg_copies(
    upload: bytes, expected_format: str, expected_rgb: tuple[int, int, int]
) -> None:
    photo = process(upload)

    assert photo.format == expected_format
    display = decoded(photo.display)
    assert (display.format, display.mode, display.size) == ("JPEG", "RGB", (64, 48))
    assert display.getpixel((32, 24)) == pytest.approx(expected_rgb, abs=8)


def test_iphone_heic_is_accepted_upright_without_metadata() -> None:
    photo = process(fixture_photo("heic/mobile/iphone_13_pro_max.HEIC"))

    assert (photo.format, photo.width, photo.height) == ("heif", 3024, 4032)
    assert decoded(photo.display).size == (1200, 1600)
    assert decoded(photo.thumbnail).size == (240, 320)


@pytest.mark.parametrize(
    ("head", "expected_format"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heif"),
    ],
)
def test_format_is_decided_by_magic_bytes(head: bytes, expected_format: str) -> None:
    assert sniff_format(head) == expected_format


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(b"Hello, this is not a photo.\n" * 10, id="text"),
        pytest.param(
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(1)</script></svg>',
            id="SVG",
        ),
        pytest.param(encoded(Image.new("RGB", (8, 8)), "GIF"), id="GIF"),
        pytest.param(encoded(Image.new("RGB", (8, 8)), "BMP"), id="BMP"),
        pytest.param(encoded(Image.new("RGB", (8, 8)), "TIFF"), id="TIFF"),
        pytest.param(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", id="AVIF"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", id="PDF"),
        pytest.param(b"\xff\xd8", id="two bytes of a JPEG"),
    ],
)
def test_other_files_are_unsupported(upload: bytes) -> None:
    with pytest.raises(UnsupportedPhoto):
        process(upload)


# --- Damaged and hostile uploads --------------------------------------------------------------


def nokia() -> bytes:
    return fixture_photo("jpg/mobile/HMD_Nokia_8.3_5G.jpg")


def dscn() -> bytes:
    return fixture_photo("jpg/gps/DSCN0010.jpg")


@pytest.mark.parametrize(
    "make_upload",
    [
        pytest.param(lambda: b"", id="empty file"),
        pytest.param(lambda: nokia()[:2000], id="cut in the EXIF header"),
        pytest.param(lambda: nokia()[: len(nokia()) // 2], id="cut in the middle of scan data"),
        pytest.param(lambda: nokia()[:-2], id="end of image missing"),
        pytest.param(lambda: dscn()[: frame_header_offset(dscn()) + 6], id="cut in frame header"),
        pytest.param(lambda: wreck_frame_header(dscn(), b"\xff" * 15), id="frame header wrecked"),
        pytest.param(lambda: wreck_frame_header(dscn(), b"\x08\x00\x00\x00\x00"), id="zero size"),
        pytest.param(lambda: wreck_frame_header(dscn(), b"\x08\x01\xe0\x02\x80\x07"), id="7 comps"),
        pytest.param(lambda: wreck_frame_header(dscn(), b"\x08\xea\x60\xea\x60"), id="60000 px"),
        pytest.param(lambda: png_header_claiming(100_000, 100_000), id="PNG claiming 10^10 px"),
        pytest.param(lambda: png_of_zeros(8_000, 8_000), id="PNG bomb of 64 MP zeros"),
        pytest.param(lambda: encoded(Image.new("RGB", (64, 48)), "PNG")[:-40], id="PNG cut"),
        pytest.param(lambda: encoded(Image.new("RGB", (64, 48)), "WEBP")[:-20], id="WebP cut"),
        pytest.param(
            lambda: fixture_photo("heic/samplefilehub.heif")[:15_000], id="HEIF cut in half"
        ),
    ],
)
def test_damaged_and_hostile_uploads_are_refused_quickly(make_upload: Callable[[], bytes]) -> None:
    upload = make_upload()
    started = time.perf_counter()

    with pytest.raises(PhotoError):
        process(upload)

    assert time.perf_counter() - started < NO_HANG_S


@pytest.mark.parametrize("relative_path", FILES_THAT_BROKE_EXIF_READERS)
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.filterwarnings("ignore:Metadata Warning")
def test_files_that_broke_exif_readers_get_an_answer_quickly(relative_path: str) -> None:
    upload = fixture_photo(relative_path)
    started = time.perf_counter()

    try:
        photo = process(upload)
    except PhotoError:
        photo = None

    assert time.perf_counter() - started < NO_HANG_S
    if photo is not None:
        assert_served_copy_has_no_metadata(photo.display.data)


def test_truncated_jpeg_is_refused_even_if_pillow_is_told_to_load_truncated_images(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(InvalidPhoto):
        process(nokia()[: len(nokia()) * 3 // 4])


@pytest.mark.parametrize("warning_action", ["error", "ignore"])
def test_pillow_bomb_warning_never_escapes(warning_action: Literal["error", "ignore"]) -> None:
    # 100 MP lies between Pillow's own warning and error thresholds.
    with warnings.catch_warnings():
        warnings.simplefilter(warning_action, Image.DecompressionBombWarning)
        with pytest.raises(InvalidPhoto, match="pixels"):
            process(png_header_claiming(10_000, 10_000))


@pytest.mark.parametrize(("max_pixels", "accepted"), [(10_000, True), (9_999, False)])
def test_pixel_limit_is_checked_before_decoding(max_pixels: int, accepted: bool) -> None:
    upload = make_jpeg(100, 100)

    limits = PixelLimits(per_photo=max_pixels, full_decode=max_pixels)
    if accepted:
        assert process_photo(upload, limits=limits).width == 100
    else:
        with pytest.raises(InvalidPhoto, match="megapixels"):
            process_photo(upload, limits=limits)


def test_errors_carry_a_short_message() -> None:
    with pytest.raises(UnsupportedPhoto) as unsupported:
        process(b"GIF89a")
    with pytest.raises(InvalidPhoto) as invalid:
        process(nokia()[:5000])

    for error in (unsupported.value, invalid.value):
        assert 10 < len(error.message.render("en")) < 120
        assert 4 < len(error.message.render("zh-CN")) < 60
        assert str(error) == error.message.render("en")
