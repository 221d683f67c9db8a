"""How much does process_photo cost per phone photo, against the image-work floor and a naive way?

Run: .venv/bin/python -m bench.photo_pipeline [--photos 6] [--rounds 5] [--width 4000 --height 3000]
Pins itself to one core. Medians over photos x rounds. For the allocator effect described in
PERFORMANCE-NOTES, run it again with MALLOC_MMAP_THRESHOLD_=33554432
MALLOC_TRIM_THRESHOLD_=1073741824 in the environment.
"""

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageOps

from app.photos.metadata import read_jpeg_segments
from app.photos.pipeline import (
    DISPLAY_LONG_EDGE_PX,
    JPEG_QUALITY,
    THUMBNAIL_LONG_EDGE_PX,
    PixelLimits,
    process_photo,
)
from bench.photo_fixtures import make_phone_jpeg

LIMITS = PixelLimits(per_photo=50_000_000, full_decode=50_000_000)
_UPRIGHT_FROM_6 = Image.Transpose.ROTATE_270
FLOOR = "floor (draft decode, resize, rotate, 2 encodes)"
FULL = "process_photo"
NAIVE = "naive (exif_transpose, thumbnail x2)"


def floor_pipeline(data: bytes) -> tuple[bytes, bytes]:
    """The bare image work for an orientation-6 JPEG: draft decode, resize, rotate, encode twice."""
    image = Image.open(io.BytesIO(data))
    scale = DISPLAY_LONG_EDGE_PX / max(image.size)
    target = (round(image.width * scale), round(image.height * scale))
    image.draft("RGB", target)
    display = image.resize(target, Image.Resampling.BILINEAR).transpose(_UPRIGHT_FROM_6)
    thumbnail = display.copy()
    thumbnail.thumbnail((THUMBNAIL_LONG_EDGE_PX, THUMBNAIL_LONG_EDGE_PX))
    return _jpeg(display), _jpeg(thumbnail)


def naive_pipeline(data: bytes) -> tuple[bytes, bytes]:
    """The obvious way: full decode and rotate with exif_transpose, then thumbnail() twice."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image.thumbnail((DISPLAY_LONG_EDGE_PX, DISPLAY_LONG_EDGE_PX))
    display = _jpeg(image)
    image.thumbnail((THUMBNAIL_LONG_EDGE_PX, THUMBNAIL_LONG_EDGE_PX))
    return display, _jpeg(image)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _median_ms(
    pipelines: dict[str, Callable[[bytes], object]], photos: list[bytes], rounds: int
) -> dict[str, float]:
    # Interleaved, so the drift of a noisy machine falls on every pipeline alike.
    timings: dict[str, list[float]] = {name: [] for name in pipelines}
    for work in pipelines.values():
        work(photos[0])  # warm caches and lazy imports
    for _ in range(rounds):
        for data in photos:
            for name, work in pipelines.items():
                started = time.perf_counter()
                work(data)
                timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    """Generate phone-like photos, time each pipeline on one core and print medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    arguments = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    photos = [
        make_phone_jpeg(seed, arguments.width, arguments.height) for seed in range(arguments.photos)
    ]
    processed = process_photo(photos[0], limits=LIMITS)
    megapixels = arguments.width * arguments.height / 1e6
    print(
        f"{arguments.photos} photos {arguments.width}x{arguments.height} ({megapixels:.1f} MP), "
        f"{statistics.mean(map(len, photos)) / 1e6:.2f} MB each, {arguments.rounds} rounds, "
        f"one core; malloc tuned: {'MALLOC_MMAP_THRESHOLD_' in os.environ}"
    )

    timings = _median_ms(
        {
            FLOOR: floor_pipeline,
            FULL: lambda data: process_photo(data, limits=LIMITS),
            NAIVE: naive_pipeline,
            "JPEG segment walk alone": read_jpeg_segments,
        },
        photos,
        arguments.rounds,
    )
    for name, milliseconds in timings.items():
        print(f"  {name:<50} {milliseconds:8.1f} ms")
    print(f"  full / floor  {timings[FULL] / timings[FLOOR]:.2f}")
    print(f"  naive / full  {timings[NAIVE] / timings[FULL]:.2f}")

    display, thumbnail = processed.display, processed.thumbnail
    print(
        f"bytes per photo: upload {len(photos[0]):,}, "
        f"display {display.width}x{display.height} {len(display.data):,}, "
        f"thumbnail {thumbnail.width}x{thumbnail.height} {len(thumbnail.data):,}"
    )


if __name__ == "__main__":
    main()
