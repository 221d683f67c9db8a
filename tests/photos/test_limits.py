"""Pixel limits read from the header: JPEG counted at its decode scale, others in full."""

import io

import pytest
from PIL import Image

from app.photos.pipeline import InvalidPhoto, PixelLimits, decoded_pixels, process_photo
from tests.photos.factories import make_flat_png

LIMITS = PixelLimits(per_photo=50_000_000, full_decode=25_000_000)
WIDTH, HEIGHT = 6000, 5000  # 30 MP: under the per-photo limit, over the full-decode one


def solid_jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 60)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def test_jpeg_counts_the_pixels_of_its_reduced_decode() -> None:
    # The 1600 px display copy needs at least 1600x1333: a 1/2 DCT scale is the smallest.
    assert decoded_pixels(solid_jpeg(WIDTH, HEIGHT), LIMITS) == (WIDTH // 2) * (HEIGHT // 2)


def test_png_counts_every_pixel() -> None:
    assert decoded_pixels(make_flat_png(3000, 2000), LIMITS) == 3000 * 2000


def test_format_without_dct_scaling_has_the_lower_limit() -> None:
    png = make_flat_png(WIDTH, HEIGHT)
    with pytest.raises(InvalidPhoto, match="25 megapixels"):
        decoded_pixels(png, LIMITS)
    with pytest.raises(InvalidPhoto, match="25 megapixels"):
        process_photo(png, limits=LIMITS)
    assert process_photo(solid_jpeg(WIDTH, HEIGHT), limits=LIMITS).width == WIDTH


def test_translucent_png_is_shrunk_then_composited_over_white() -> None:
    processed = process_photo(make_flat_png(2400, 1800), limits=LIMITS)
    assert (processed.display.width, processed.display.height) == (1600, 1200)
    display = Image.open(io.BytesIO(processed.display.data))
    assert display.mode == "RGB"
    # (128, 64, 32) at alpha 192 over white: 128 * 192/255 + 255 * 63/255 = 159, and so on.
    expected = (159, 111, 87)
    actual = display.getpixel((800, 600))
    assert isinstance(actual, tuple)
    assert all(abs(a - e) <= 3 for a, e in zip(actual, expected, strict=True)), actual
