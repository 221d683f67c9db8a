"""Turn an uploaded photo into upright, metadata-free, redacted JPEG copies to serve."""

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

import pillow_heif
from PIL import Image

from app.core.messages import Message
from app.photos.detectors import Box
from app.photos.metadata import (
    read_exif,
    read_gps,
    read_jpeg_segments,
    read_orientation,
    read_taken_at,
)
from app.photos.perceptual import perceptual_hash
from app.photos.redaction import Redaction, pixelate
from app.photos.redaction import redact as redact_regions

pillow_heif.register_heif_opener()

DISPLAY_LONG_EDGE_PX = 1600
THUMBNAIL_LONG_EDGE_PX = 320
JPEG_QUALITY = 80

_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_HEIF_GENERIC_BRANDS = frozenset({b"mif1", b"msf1"})
# The Pillow plugin that may open each format: the bytes decided the format, not a guess.
_PILLOW_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heif": "HEIF"}
# How to turn stored pixels upright for each EXIF orientation (as ImageOps.exif_transpose).
_UPRIGHT_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_AXES = frozenset({5, 6, 7, 8})
_RESIZABLE_MODES = frozenset({"RGB", "RGBA", "L", "LA", "I"})


class PhotoError(Exception):
    """A photo we refuse; `message` says why, for the uploader."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        # Logs and tracebacks are read by operators in English; answers render per request.
        return self.message.render("en")


class UnsupportedPhoto(PhotoError):
    """The bytes are not a JPEG, PNG, WebP or HEIC/HEIF image."""


class InvalidPhoto(PhotoError):
    """The bytes claim a supported format but are damaged, truncated or too large to decode."""


@dataclass(frozen=True, slots=True)
class DerivedImage:
    """An encoded JPEG copy made from an upload, with its size."""

    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        """The copy's SHA-256 as lowercase hex, which is its key in the photo store."""
        # Computed when asked, not at encode: the store hashes what it writes, so a field would
        # hash every copy twice.
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    """What an upload yields: facts read from it, its copies and what redaction found. The copies
    may be served only when `redaction` is present and did not fail: until then (None: not yet
    redacted, or a failure) they are unredacted."""

    format: str
    width: int
    height: int
    gps: tuple[float, float] | None
    taken_at: datetime | None
    display: DerivedImage
    thumbnail: DerivedImage
    redaction: Redaction | None
    # The display copy before redaction, when redaction changed it: to be sealed, never served.
    original: DerivedImage | None
    # The display picture's perceptual hash (app/photos/perceptual.py).
    phash: str


@dataclass(frozen=True, slots=True)
class RedactedCopies:
    """What redacting a stored display copy yields: what redaction found and, only when it
    pixelated something, the new display and thumbnail copies (else the stored ones stand)."""

    redaction: Redaction
    display: DerivedImage | None = None
    thumbnail: DerivedImage | None = None


def sniff_format(data: bytes) -> str:
    """Return "jpeg", "png", "webp" or "heif" from the file's magic bytes, else UnsupportedPhoto."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and _is_heif_brand(data):
        return "heif"
    raise UnsupportedPhoto(Message("photos.unsupported"))


def _is_heif_brand(data: bytes) -> bool:
    box_end = min(int.from_bytes(data[:4], "big"), len(data))
    major_brand = data[8:12]
    compatible_brands = {data[i : i + 4] for i in range(16, box_end - 3, 4)}
    # AVIF shares the HEIF container (and "mif1"); only HEVC-coded HEIF is accepted.
    return major_brand in _HEIF_BRANDS or (
        major_brand in _HEIF_GENERIC_BRANDS and bool(compatible_brands & _HEIF_BRANDS)
    )


@dataclass(frozen=True, slots=True)
class PixelLimits:
    """How many pixels one photo may have: any format, and formats decoded at full size."""

    per_photo: int
    full_decode: int


def decoded_pixels(data: bytes, limits: PixelLimits) -> int:
    """The pixels that decoding this photo costs, read from its header alone (no decode).

    A JPEG counts at the reduced DCT scale it is decoded at. Raises UnsupportedPhoto, or
    InvalidPhoto when the photo is damaged or over its limit.
    """
    photo_format, _data, image = _open_within_limits(data, limits)
    return image.width * image.height if photo_format != "jpeg" else _jpeg_draft_pixels(image)


def process_photo(data: bytes, *, limits: PixelLimits, redact: bool = True) -> ProcessedPhoto:
    """Validate an upload, read its GPS and time, and make upright display and thumbnail JPEGs,
    with faces and number plates pixelated when `redact` (else left for the redaction worker).

    Raises UnsupportedPhoto or InvalidPhoto; never writes anything.
    """
    photo_format, data, image = _open_within_limits(data, limits)
    stored_width, stored_height = image.size
    exif = read_exif(image)
    orientation = read_orientation(exif)
    upright = _upright_display_pixels(image, orientation, dct_scaling=photo_format == "jpeg")
    # Detect on the upright copy: detectors are trained on upright faces and plates.
    display_pixels, redaction = redact_regions(upright) if redact else (upright, None)
    if orientation in _SWAPS_AXES:
        stored_width, stored_height = stored_height, stored_width
    return ProcessedPhoto(
        format=photo_format,
        width=stored_width,
        height=stored_height,
        gps=read_gps(exif),
        taken_at=read_taken_at(exif),
        display=_encode_jpeg(display_pixels),
        thumbnail=_encode_jpeg(_thumbnail_of(display_pixels)),
        redaction=redaction,
        original=_encode_jpeg(upright) if redaction and redaction.boxes else None,
        phash=perceptual_hash(upright),
    )


def redact_stored_display(data: bytes, *, limits: PixelLimits) -> RedactedCopies:
    """Find faces and plates in a display copy this pipeline stored unredacted (upright, no
    metadata, at display size) and encode new copies only when there is something to pixelate.

    Raises InvalidPhoto when the stored copy cannot be read; never writes anything.
    """
    photo_format, data, image = _open_within_limits(data, limits)
    upright = _upright_display_pixels(image, 1, dct_scaling=photo_format == "jpeg")
    pixels, redaction = redact_regions(upright)
    if redaction.failure is not None or not redaction.boxes:
        return RedactedCopies(redaction)
    return RedactedCopies(
        redaction,
        display=_encode_jpeg(pixels),
        thumbnail=_encode_jpeg(_thumbnail_of(pixels)),
    )


def pixelate_stored_display(
    data: bytes, boxes: tuple[Box, ...], *, limits: PixelLimits
) -> RedactedCopies:
    """A served display copy with these boxes pixelated too (a person's addition to what the
    detectors found), and its new thumbnail. Raises InvalidPhoto if the copy cannot be read."""
    photo_format, data, image = _open_within_limits(data, limits)
    pixels = pixelate(_upright_display_pixels(image, 1, dct_scaling=photo_format == "jpeg"), boxes)
    return RedactedCopies(
        Redaction(boxes=boxes),
        display=_encode_jpeg(pixels),
        thumbnail=_encode_jpeg(_thumbnail_of(pixels)),
    )


def _thumbnail_of(display_pixels: Image.Image) -> Image.Image:
    return display_pixels.resize(
        _fit_within(display_pixels.size, THUMBNAIL_LONG_EDGE_PX),
        Image.Resampling.BICUBIC,
        reducing_gap=2.0,  # as Image.thumbnail: a box reduce first, then a short bicubic step
    )


def _open_within_limits(data: bytes, limits: PixelLimits) -> tuple[str, bytes, Image.Image]:
    # The format, the bytes to decode (a JPEG cut at its end) and the lazily opened image.
    if not data:
        raise InvalidPhoto(Message("photos.empty"))
    photo_format = sniff_format(data)
    if photo_format == "jpeg":
        data = _jpeg_up_to_end_of_image(data)
    image = _open(data, photo_format)
    width, height = image.size
    # Only JPEG decodes at a reduced scale; every other format costs its full size in memory.
    limit = (
        limits.per_photo if photo_format == "jpeg" else min(limits.per_photo, limits.full_decode)
    )
    if width * height > limit:
        raise InvalidPhoto(
            Message(
                "photos.too-many-pixels",
                width=width,
                height=height,
                megapixels=f"{limit / 1_000_000:g}",
                format=photo_format.upper(),
            )
        )
    return photo_format, data, image


def _jpeg_draft_pixels(image: Image.Image) -> int:
    # draft() on a lazily opened JPEG only picks the DCT scale (as the decode will); it decodes
    # nothing.
    image.draft("RGB", _fit_within(image.size, DISPLAY_LONG_EDGE_PX))
    return image.width * image.height


def _jpeg_up_to_end_of_image(data: bytes) -> bytes:
    # Our own walk, not Pillow's tolerance, decides what a complete JPEG is: it must reach an EOI
    # after its scans, and whatever follows that EOI is never decoded or kept.
    try:
        segments = read_jpeg_segments(data)
    except ValueError as error:
        raise InvalidPhoto(Message("photos.damaged")) from error
    return data[: segments[-1].end]


def _open(data: bytes, photo_format: str) -> Image.Image:
    try:
        # Lazy: reads the header (size, mode, EXIF) but no pixel data.
        return Image.open(io.BytesIO(data), formats=[_PILLOW_FORMAT[photo_format]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own bomb guard fires at open for sizes beyond its limit, above any max_pixels
        # we accept; when warnings are errors, its warning arrives here as an exception too.
        raise InvalidPhoto(Message("photos.too-many-pixels-short")) from error
    except Exception as error:
        raise InvalidPhoto(Message("photos.unreadable")) from error


def _upright_display_pixels(
    image: Image.Image, orientation: int, *, dct_scaling: bool
) -> Image.Image:
    target_size = _fit_within(image.size, DISPLAY_LONG_EDGE_PX)
    # Decoders of untrusted bytes raise many types (OSError, SyntaxError, ValueError, struct
    # errors, MemoryError...): any of them means this upload cannot be shown.
    try:
        if dct_scaling:
            # Decode at the smallest 1/8..1/1 scale still at least target_size. The box keeps
            # the photo's aspect ratio, or its short side would hold the scale at 1/1. (Other
            # plugins' draft() swaps in an embedded thumbnail, which may not show the same
            # picture, so it is used for JPEG only.)
            image.draft("RGB", target_size)
        image.load()
        # Shrink before converting: a conversion (or alpha composite) of a full-size decode
        # would copy it at 4 bytes a pixel, several times over.
        pixels = _resizable(image)
        if pixels.size != target_size:
            # After DCT scaling the step left is under 2x, where bilinear is 30% cheaper than
            # bicubic and both stay above 41 dB PSNR against Lanczos, beyond what q80 JPEG keeps.
            # Larger steps (formats without DCT scaling) are box-reduced first.
            pixels = pixels.resize(target_size, Image.Resampling.BILINEAR, reducing_gap=3.0)
        pixels = _to_rgb(pixels)
    except Exception as error:
        raise InvalidPhoto(Message("photos.damaged")) from error
    transpose = _UPRIGHT_TRANSPOSE.get(orientation)
    # Rotating the small copy is far cheaper than rotating the full-size decode.
    upright = pixels if transpose is None else pixels.transpose(transpose)
    # Pillow's JPEG writer falls back to image.info for some metadata (the comment, at least):
    # nothing read from the upload may ride along into the copies.
    upright.info = {}
    return upright


def _resizable(image: Image.Image) -> Image.Image:
    # Modes that resize keeps faithfully (premultiplying alpha); others become one of them.
    if image.mode in _RESIZABLE_MODES:
        return image
    if image.mode.startswith("I;16"):
        return image.convert("I")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode == "I":
        # 16-bit grey: scale to 8 bits; a plain convert would clip everything above 255 to white.
        return image.convert("I").point(lambda value: value / 256).convert("RGB")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _fit_within(size: tuple[int, int], long_edge_px: int) -> tuple[int, int]:
    width, height = size
    scale = long_edge_px / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode_jpeg(pixels: Image.Image) -> DerivedImage:
    buffer = io.BytesIO()
    # No exif/icc_profile arguments: the copy carries no metadata (pixels are already upright).
    pixels.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return DerivedImage(data=buffer.getvalue(), width=pixels.width, height=pixels.height)
