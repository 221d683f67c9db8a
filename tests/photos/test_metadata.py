"""EXIF reading that never trusts its input, and the byte-level JPEG strip."""

import io
from collections.abc import Callable
from datetime import datetime

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from app.photos.metadata import (
    MAX_JPEG_SCANS,
    read_exif,
    read_gps,
    read_jpeg_segments,
    read_orientation,
    read_taken_at,
)
from tests.photos.factories import (
    FENGYANG_LON_LAT,
    fixture_photo,
    make_jpeg,
)

FENGYANG_DMS = {1: "N", 2: (32.0, 51.0, 14.4), 3: "E", 4: (117.0, 31.0, 57.0)}


def exif_with_gps(gps_tags: dict[int, object]) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update(gps_tags)
    return exif


def exif_with(tag: int, value: object, *, ifd: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    if ifd is None:
        exif[tag] = value
    else:
        exif.get_ifd(ifd)[tag] = value
    return exif


@pytest.mark.parametrize(
    ("gps_tags", "expected_lon_lat"),
    [
        (FENGYANG_DMS, FENGYANG_LON_LAT),
        ({**FENGYANG_DMS, 1: "S", 3: "W"}, (-117.5325, -32.854)),
        ({**FENGYANG_DMS, 1: b"N\x00", 3: "E "}, FENGYANG_LON_LAT),
        ({**FENGYANG_DMS, 1: "n", 3: "e"}, FENGYANG_LON_LAT),
        ({2: (32.0, 51.0, 14.4), 4: (117.0, 31.0, 57.0)}, FENGYANG_LON_LAT),
        ({**FENGYANG_DMS, 2: (32.854,), 4: (117.5325,)}, FENGYANG_LON_LAT),
        ({**FENGYANG_DMS, 2: (32.0, 51.24, 0.0), 4: (117.0, 31.95, 0.0)}, FENGYANG_LON_LAT),
        (
            {**FENGYANG_DMS, 2: (IFDRational(32), IFDRational(51), IFDRational(144, 10))},
            FENGYANG_LON_LAT,
        ),
        ({**FENGYANG_DMS, 0x09: "A"}, FENGYANG_LON_LAT),
    ],
)
def test_gps_is_read_as_signed_decimal_degrees(
    gps_tags: dict[int, object], expected_lon_lat: tuple[float, float]
) -> None:
    lon_lat = read_gps(exif_with_gps(gps_tags))

    assert lon_lat == pytest.approx(expected_lon_lat, abs=1e-6)


@pytest.mark.parametrize(
    "gps_tags",
    [
        pytest.param({}, id="no GPS tags"),
        pytest.param({0: b"\x02\x02\x00\x00"}, id="version only"),
        pytest.param({1: "N", 2: (32.0, 51.0, 14.4)}, id="latitude only"),
        pytest.param({**FENGYANG_DMS, 2: (IFDRational(32, 0), 51.0, 14.4)}, id="zero denominator"),
        pytest.param({**FENGYANG_DMS, 2: "32 51 14.4"}, id="text instead of rationals"),
        pytest.param({**FENGYANG_DMS, 2: b"\x20\x33"}, id="bytes instead of rationals"),
        pytest.param({**FENGYANG_DMS, 2: (32.0, 51.0, 14.4, 1.0)}, id="four parts"),
        pytest.param({**FENGYANG_DMS, 2: ()}, id="no parts"),
        pytest.param({**FENGYANG_DMS, 2: (True, 51.0, 14.4)}, id="boolean degrees"),
        pytest.param({**FENGYANG_DMS, 2: (-32.0, 51.0, 14.4)}, id="negative degrees"),
        pytest.param({**FENGYANG_DMS, 2: (float("inf"), 0.0, 0.0)}, id="infinite degrees"),
        pytest.param({**FENGYANG_DMS, 2: (95.0, 0.0, 0.0)}, id="latitude beyond the pole"),
        pytest.param({**FENGYANG_DMS, 4: (181.0, 0.0, 0.0)}, id="longitude beyond 180"),
        pytest.param({**FENGYANG_DMS, 1: "X"}, id="unknown hemisphere"),
        pytest.param({**FENGYANG_DMS, 1: 7}, id="numeric hemisphere"),
        pytest.param({**FENGYANG_DMS, 2: (0.0, 0.0, 0.0), 4: (0.0, 0.0, 0.0)}, id="zeros, no fix"),
        pytest.param({**FENGYANG_DMS, 0x09: "V"}, id="fix flagged void"),
    ],
)
def test_unusable_gps_reads_as_none(gps_tags: dict[int, object]) -> None:
    assert read_gps(exif_with_gps(gps_tags)) is None


def test_gps_of_the_nokia_phone_photo_is_in_helsinki() -> None:
    exif = Image.open(io.BytesIO(fixture_photo("jpg/mobile/HMD_Nokia_8.3_5G.jpg"))).getexif()

    assert read_gps(exif) == pytest.approx((24.9068, 60.1467), abs=1e-4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(6, 6), (8, 8), (1, 1), (0, 1), (9, 1), (True, 1), ("6", 1), ((6,), 1), (None, 1)],
)
def test_orientation_outside_1_to_8_reads_as_1(value: object, expected: int) -> None:
    exif = Image.Exif() if value is None else exif_with(0x0112, value)

    assert read_orientation(exif) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022:08:14 14:12:31", datetime(2022, 8, 14, 14, 12, 31)),
        ("2022:08:14 14:12:31\x00", datetime(2022, 8, 14, 14, 12, 31)),
        (b"2022:08:14 14:12:31", datetime(2022, 8, 14, 14, 12, 31)),
        ("2022-08-14T14:12:31", datetime(2022, 8, 14, 14, 12, 31)),
        ("0000:00:00 00:00:00", None),
        ("2022:13:45 25:61:61", None),
        ("    :  :     :  :  ", None),
        (20220814, None),
    ],
)
def test_taken_at_reads_only_real_dates(value: object, expected: datetime | None) -> None:
    assert read_taken_at(exif_with(0x9003, value, ifd=0x8769)) == expected


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize(
    "raw_exif",
    [
        pytest.param(b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xff", id="IFD offset past the end"),
        pytest.param(b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff", id="entry count past the end"),
        pytest.param(
            b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01"
            b"\x88\x25\x00\x04\x00\x00\x00\x01\xff\xff\xff\x00",
            id="GPS IFD pointer past the end",
        ),
    ],
)
def test_corrupt_exif_reads_as_no_gps_no_time_and_upright(raw_exif: bytes) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG", exif=raw_exif)

    exif = read_exif(Image.open(buffer))

    assert (read_gps(exif), read_orientation(exif), read_taken_at(exif)) == (None, 1, None)


def test_an_exif_parser_error_reads_as_empty_exif(monkeypatch: pytest.MonkeyPatch) -> None:
    image = Image.open(io.BytesIO(make_jpeg(64, 48, gps=FENGYANG_LON_LAT)))

    def fail() -> Image.Exif:
        raise SyntaxError("not a TIFF file")

    monkeypatch.setattr(image, "getexif", fail)

    assert dict(read_exif(image)) == {}


def test_segments_end_at_the_first_end_of_image_after_the_scan() -> None:
    jpeg = make_jpeg(64, 48)

    segments = read_jpeg_segments(jpeg + b"trailer" + make_jpeg(32, 24))

    assert segments[-1].end == len(jpeg)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda jpeg: jpeg[:-2], id="no end of image"),
        pytest.param(lambda jpeg: jpeg[: len(jpeg) // 2], id="cut in the scan"),
        pytest.param(lambda jpeg: jpeg[:300], id="cut in the headers"),
        pytest.param(lambda jpeg: b"\xff\xd8\xff\xd9", id="end before any scan"),
        pytest.param(lambda jpeg: jpeg[2:], id="no start of image"),
    ],
)
def test_incomplete_jpegs_have_no_segment_list(damage: Callable[[bytes], bytes]) -> None:
    jpeg = fixture_photo("jpg/gps/DSCN0010.jpg")

    with pytest.raises(ValueError, match="JPEG"):
        read_jpeg_segments(damage(jpeg))


def test_a_jpeg_with_too_many_scans_is_refused_before_decoding() -> None:
    jpeg = make_jpeg(64, 48)
    scan = next(s for s in read_jpeg_segments(jpeg) if s.marker == 0xDA)
    many_scans = (
        jpeg[: scan.start] + jpeg[scan.start : scan.end] * (MAX_JPEG_SCANS + 1) + b"\xff\xd9"
    )

    with pytest.raises(ValueError, match="too many"):
        read_jpeg_segments(many_scans)
