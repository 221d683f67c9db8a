"""Deterministic phone-like JPEGs for benchmarks: realistic size, EXIF GPS, orientation 6."""

import io
import random

from PIL import Image, ImageDraw

# Inside the demo county's grid 341126100001001 (same point as tests/factories.GRID_POINT).
BENCH_GPS = (117.5325, 32.854)
BENCH_CAMERA_MAKE = "TantouBenchPhone"
_MAKER_NOTE_BYTES = 24 * 1024
_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="TantouBench"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def make_phone_jpeg(
    seed: int,
    width: int = 4000,
    height: int = 3000,
    *,
    gps: tuple[float, float] = BENCH_GPS,
) -> bytes:
    """A width x height (stored) JPEG like a phone's: q92, noise on gradients, EXIF GPS and XMP.

    Orientation is 6, so it displays as height x width. `gps` is (lon, lat); the same seed always
    gives the same bytes. About 3 MB at 12 MP, with a 24 KB maker note as phones write.
    """
    rng = random.Random(seed)
    picture = _scene(rng, width, height)
    exif = Image.Exif()
    exif[0x010F] = BENCH_CAMERA_MAKE
    exif[0x0110] = f"Bench {seed}"
    exif[0x0112] = 6
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = "2026:05:04 08:30:15"
    exif_ifd[0x927C] = rng.randbytes(_MAKER_NOTE_BYTES)
    lon, lat = gps
    exif.get_ifd(0x8825).update(
        {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon), 0x1D: "2026:05:04"},
    )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92, exif=exif, xmp=_XMP)
    return buffer.getvalue()


def _scene(rng: random.Random, width: int, height: int) -> Image.Image:
    # Gradients and shapes give large smooth areas, coarse noise gives texture like foliage and
    # asphalt, fine noise gives sensor grain: together they compress like a real photo.
    channels = [
        Image.linear_gradient("L").rotate(rng.uniform(0, 360)).resize((width, height))
        for _ in range(3)
    ]
    picture = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(picture)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(width // 40, width // 6)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    coarse = _noise(rng, width // 4, height // 4).resize((width, height), Image.Resampling.BICUBIC)
    picture = Image.blend(picture, coarse, 0.15)
    return Image.blend(picture, _noise(rng, width, height), 0.04)


def _noise(rng: random.Random, width: int, height: int) -> Image.Image:
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def _dms(degrees: float) -> tuple[float, float, float]:
    whole = int(degrees)
    minutes = (degrees - whole) * 60
    return float(whole), float(int(minutes)), round((minutes - int(minutes)) * 60, 4)
