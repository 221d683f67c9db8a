"""Photo metadata: defensive EXIF reading and a byte-level walk over JPEG segments."""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
ORIENTATION_TAG = 0x0112
DATETIME_ORIGINAL_TAG = 0x9003
GPS_LATITUDE_REF_TAG = 0x0001
GPS_LATITUDE_TAG = 0x0002
GPS_LONGITUDE_REF_TAG = 0x0003
GPS_LONGITUDE_TAG = 0x0004
GPS_STATUS_TAG = 0x0009

_EXIF_DATETIME = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


def read_exif(image: Image.Image) -> Image.Exif:
    """Return the image's EXIF, or an empty one if it cannot be parsed."""
    # EXIF comes from the uploader: any failure to parse it means "no EXIF", never a refusal.
    try:
        return image.getexif()
    except Exception:
        return Image.Exif()


def read_orientation(exif: Image.Exif) -> int:
    """Return the EXIF Orientation (1..8), or 1 when it is missing or invalid."""
    try:
        value = exif.get(ORIENTATION_TAG)
    except Exception:
        return 1
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8:
        return value
    return 1


def read_gps(exif: Image.Exif) -> tuple[float, float] | None:
    """Return (lon, lat) in degrees from the EXIF GPS IFD (WGS-84), or None if unusable."""
    try:
        gps = dict(exif.get_ifd(GPS_IFD))
    except Exception:
        return None
    if _ascii_text(gps.get(GPS_STATUS_TAG)) == "V":  # the receiver flagged the fix as void
        return None
    lat = _signed_degrees(gps.get(GPS_LATITUDE_TAG), gps.get(GPS_LATITUDE_REF_TAG), "N", "S")
    lon = _signed_degrees(gps.get(GPS_LONGITUDE_TAG), gps.get(GPS_LONGITUDE_REF_TAG), "E", "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None
    if lat == 0 and lon == 0:  # devices without a fix write zeros
        return None
    return lon, lat


def read_taken_at(exif: Image.Exif) -> datetime | None:
    """Return EXIF DateTimeOriginal as a naive datetime on the camera's clock, or None."""
    try:
        text = _ascii_text(exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL_TAG))
    except Exception:
        return None
    match = _EXIF_DATETIME.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # "0000:00:00 00:00:00" and other impossible dates
        return None


def _ascii_text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    if not isinstance(value, str):
        return ""
    return value.strip("\x00 \t\r\n").upper()


def _signed_degrees(value: object, ref: object, positive: str, negative: str) -> float | None:
    degrees = _dms_to_degrees(value)
    if degrees is None:
        return None
    # A missing reference is read as north/east: some writers omit it, and our users are there.
    if ref is None:
        return degrees
    hemisphere = _ascii_text(ref)[:1]
    if hemisphere == positive:
        return degrees
    if hemisphere == negative:
        return -degrees
    return None


def _dms_to_degrees(value: object) -> float | None:
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        parts = list(value)
    else:
        parts = [value]
    if not 1 <= len(parts) <= 3:
        return None
    values: list[float] = []
    for part in parts:
        number = _finite_number(part)
        if number is None or number < 0:
            return None
        values.append(number)
    return sum(value / divisor for value, divisor in zip(values, (1, 60, 3600), strict=False))


def _finite_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, IFDRational)):
        return None
    try:
        number = float(value)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None


# JPEG markers (ITU T.81 table B.1).
SOI = 0xD8
EOI = 0xD9
SOS = 0xDA
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})
# A marker is 0xFF followed by a code; 0xFF00 is a stuffed byte, 0xFFD0..D7 are restarts inside
# scan data, and runs of 0xFF are fill bytes before the real marker.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
MAX_JPEG_SEGMENTS = 2000
MAX_JPEG_SCANS = 100


@dataclass(frozen=True, slots=True)
class JpegSegment:
    """One marker segment of a JPEG: data[start:end], scan data included for SOS."""

    marker: int
    start: int
    end: int


def read_jpeg_segments(data: bytes) -> list[JpegSegment]:
    """Split a JPEG into segments up to the first EOI after a scan; ValueError if malformed."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("JPEG does not start with SOI")
    segments = [JpegSegment(SOI, 0, 2)]
    scan_count = 0
    position = 2
    while True:
        found = _NEXT_MARKER.search(data, position)
        if found is None:
            raise ValueError("JPEG has no end of image")
        start = found.start()
        marker = data[start + 1]
        if marker == EOI and scan_count:
            segments.append(JpegSegment(EOI, start, start + 2))
            return segments
        if marker in (SOI, EOI):
            raise ValueError("JPEG has a misplaced SOI or EOI")
        end = start + 2 if marker in _STANDALONE_MARKERS else _segment_end(data, start)
        if marker == SOS:
            scan_count += 1
            # Entropy-coded data has no length field: it runs to the next marker.
            scan_end = _NEXT_MARKER.search(data, end)
            if scan_end is None:
                raise ValueError("JPEG scan data is truncated")
            end = scan_end.start()
        segments.append(JpegSegment(marker, start, end))
        # Hostile files can hold millions of empty segments or scans that each cost a decode pass.
        if len(segments) > MAX_JPEG_SEGMENTS or scan_count > MAX_JPEG_SCANS:
            raise ValueError("JPEG has too many segments or scans")
        position = end


def _segment_end(data: bytes, start: int) -> int:
    length = int.from_bytes(data[start + 2 : start + 4], "big")
    end = start + 2 + length
    if length < 2 or end > len(data):
        raise ValueError("JPEG segment is truncated")
    return end
