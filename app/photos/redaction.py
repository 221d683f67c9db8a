"""Redaction: faces and number plates pixelated in the upright display copy before any copy is
served. Runs in the image pool's workers with the rest of the conversion."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from app.photos.detectors import Box, detect_faces, detect_plates

# Detection runs on a copy at most this long: CenterFace costs 0.24 s at 1024 px and 0.65 s at
# 1600 px on one core here, and faces a 1280 px copy misses are too small to recognise anyway.
DETECT_LONG_EDGE_PX = 1280
# How much each box grows on every side, as a share of its size: detector boxes hug the face
# (hair, ears and chin stay outside) and the plate's characters.
_PADDING = {"face": 0.25, "plate": 0.15}
# Blocks across a region's longer side: at 8 a face is a few patches of colour and a plate's
# characters are gone; never finer than 4 px blocks.
_BLOCKS_ACROSS = 8
_MIN_BLOCK_PX = 4


@dataclass(frozen=True, slots=True)
class Redaction:
    """What redaction did to one photo: the regions pixelated, in the display copy's pixels,
    or why it could not run (then nothing of the photo may be served)."""

    boxes: tuple[Box, ...] = ()
    failure: str | None = None


def redact(pixels: Image.Image) -> tuple[Image.Image, Redaction]:
    """Find faces and plates in an upright RGB picture and pixelate them in a copy.

    A detector that raises (its model missing, a runtime error) yields the picture untouched
    with the failure recorded: the caller must not serve it.
    """
    try:
        boxes = find_regions(pixels)
    except Exception as error:  # any detector failure: fail closed, say why
        return pixels, Redaction(failure=f"{type(error).__name__}: {error}"[:200])
    return pixelate(pixels, boxes), Redaction(boxes=tuple(boxes))


def find_regions(pixels: Image.Image) -> list[Box]:
    """Faces and plates in the picture, padded, in its own pixels."""
    scale = min(1.0, DETECT_LONG_EDGE_PX / max(pixels.size))
    small = pixels
    if scale < 1:
        size = (max(1, round(pixels.width * scale)), max(1, round(pixels.height * scale)))
        small = pixels.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    rgb = np.asarray(small)
    found = detect_faces(rgb) + detect_plates(rgb)
    return [_padded(_scaled(box, 1 / scale), pixels.size) for box in found]


def pixelate(pixels: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    """A copy of the picture with every box replaced by coarse blocks of its average colours."""
    if not boxes:
        return pixels
    redacted = pixels.copy()
    for box in boxes:
        region = (box.left, box.top, box.right, box.bottom)
        width, height = box.right - box.left, box.bottom - box.top
        block = max(_MIN_BLOCK_PX, math.ceil(max(width, height) / _BLOCKS_ACROSS))
        coarse = redacted.crop(region).resize(
            (max(1, math.ceil(width / block)), max(1, math.ceil(height / block))),
            Image.Resampling.BOX,
        )
        redacted.paste(coarse.resize((width, height), Image.Resampling.NEAREST), region[:2])
    return redacted


def _scaled(box: Box, factor: float) -> Box:
    if factor == 1:
        return box
    return replace(
        box,
        left=math.floor(box.left * factor),
        top=math.floor(box.top * factor),
        right=math.ceil(box.right * factor),
        bottom=math.ceil(box.bottom * factor),
    )


def _padded(box: Box, size: tuple[int, int]) -> Box:
    pad_x = math.ceil((box.right - box.left) * _PADDING[box.kind])
    pad_y = math.ceil((box.bottom - box.top) * _PADDING[box.kind])
    width, height = size
    return replace(
        box,
        left=max(0, box.left - pad_x),
        top=max(0, box.top - pad_y),
        right=min(width, box.right + pad_x),
        bottom=min(height, box.bottom + pad_y),
    )
