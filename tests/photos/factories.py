"""Plain factories for photo tests: generated JPEGs with EXIF, and the real fixture photos."""

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

FIXTURE_PHOTOS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "photos"
# Inside the demo county's grid 341126100001001 (tests.factories.GRID_POINT), WGS-84 (lon, lat).
FENGYANG_LON_LAT = (117.5325, 32.854)
TEST_CAMERA_MAKE = "TantouTestCam"
TEST_CAMERA_MODEL = "Probe-7 Serial 0042"
TEST_TAKEN_AT = "2026:05:04 08:30:15"

# Transposes that store an upright picture so that EXIF orientation N turns it upright again.
_STORE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def fixture_photo(relative_path: str) -> bytes:
    """Bytes of a real photo under tests/fixtures/photos."""
    return (_fixture_photos_dir() / relative_path).read_bytes()


def fixture_photo_paths(folder: str) -> list[str]:
    """Relative paths of the photos in a fixture folder (README files left out), sorted."""
    return sorted(
        path.relative_to(FIXTURE_PHOTOS_DIR).as_posix()
        for path in (_fixture_photos_dir() / folder).iterdir()
        if path.is_file() and not path.name.startswith("README")
    )


def _fixture_photos_dir() -> Path:
    # Fail, never skip: without the real photos these tests would prove nothing.
    if not FIXTURE_PHOTOS_DIR.is_dir():
        raise FileNotFoundError(
            f"fixture photos not found at {FIXTURE_PHOTOS_DIR}: they are part of the repository"
        )
    return FIXTURE_PHOTOS_DIR


def _upright_test_picture(width: int, height: int) -> Image.Image:
    # A picture whose way up is obvious: a red top-left block on a top-to-bottom gradient.
    picture = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, width // 3, height // 3), fill=(200, 20, 20))
    return picture


def make_jpeg(
    width: int,
    height: int,
    *,
    gps: tuple[float, float] | None = None,
    orientation: int = 1,
) -> bytes:
    """A JPEG that displays upright as width x height, with EXIF from a test camera.

    `gps` is (lon, lat) in WGS-84 degrees, written to the EXIF GPS IFD as a phone would.
    For orientation 5..8 the stored pixels are height x width, as a phone held sideways stores them.
    The EXIF holds Make/Model (TEST_CAMERA_MAKE, TEST_CAMERA_MODEL) and DateTimeOriginal.
    """
    stored = _upright_test_picture(width, height)
    if orientation != 1:
        stored = stored.transpose(_STORE_FOR_ORIENTATION[orientation])
    exif = Image.Exif()
    exif[0x010F] = TEST_CAMERA_MAKE
    exif[0x0110] = TEST_CAMERA_MODEL
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = TEST_TAKEN_AT
    if gps is not None:
        lon, lat = gps
        exif.get_ifd(0x8825).update(
            {
                1: "N" if lat >= 0 else "S",
                2: _degrees_minutes_seconds(abs(lat)),
                3: "E" if lon >= 0 else "W",
                4: _degrees_minutes_seconds(abs(lon)),
            }
        )
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def make_flat_png(width: int, height: int, *, alpha: bool = True) -> bytes:
    """A real, valid PNG of one colour (RGBA or RGB, 8 bits), written row by row so that a
    7000x7000 one (196 MB decoded) is built without holding its pixels: zlib at level 9 packs
    it into about 190 KB, the amplification an attacker gets for free."""
    channels = 4 if alpha else 3
    row = b"\x00" + b"\x80\x40\x20\xc0"[:channels] * width  # filter byte 0, then the pixels
    compressor = zlib.compressobj(9)
    compressed = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    color_type = 6 if alpha else 2
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", compressed)
        + (_png_chunk(b"IEND", b""))
    )


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _degrees_minutes_seconds(degrees: float) -> tuple[float, float, float]:
    whole_degrees = int(degrees)
    minutes = (degrees - whole_degrees) * 60
    whole_minutes = int(minutes)
    return float(whole_degrees), float(whole_minutes), round((minutes - whole_minutes) * 60, 4)
