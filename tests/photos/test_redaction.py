"""Redaction on real photos: faces and number plates are pixelated in every served copy, the rest
of the picture is not touched, and a photo whose detectors fail is never served."""

import io

import numpy as np
import pytest
from PIL import Image

from app.photos import redaction
from app.photos.detectors import Box, detect_faces, detect_plates
from app.photos.pipeline import PixelLimits, process_photo
from app.photos.redaction import find_regions, pixelate, redact
from tests.photos.factories import fixture_photo, make_jpeg

LIMITS = PixelLimits(per_photo=50_000_000, full_decode=50_000_000)
# Where the plates were pasted into street-plates.jpg (see tests/fixtures/photos/README.md).
PASTED_PLATES = [(300, 450, 480, 507), (1100, 500, 1250, 548)]


def picture(name: str) -> Image.Image:
    return Image.open(io.BytesIO(fixture_photo(f"privacy/{name}"))).convert("RGB")


def detail(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """How far a region is from the coarse mosaic of itself, in mean grey levels: a face or
    characters differ from their mosaic by many levels, a region already pixelated by ~none."""
    mosaic = pixelate(image, [Box("face", 1.0, *box)])
    region = np.asarray(image.crop(box).convert("L"), dtype=np.float32)
    coarse = np.asarray(mosaic.crop(box).convert("L"), dtype=np.float32)
    return float(np.abs(region - coarse).mean())


def covers(box: Box, region: tuple[int, int, int, int]) -> bool:
    left, top, right, bottom = region
    return box.left <= left and box.top <= top and box.right >= right and box.bottom >= bottom


def test_the_astronauts_face_is_found_and_nothing_else() -> None:
    astronaut = np.asarray(picture("astronaut.jpg"))

    faces = detect_faces(astronaut)

    assert [face.kind for face in faces] == ["face"]
    face = faces[0]
    # Her face lies around x 190-265, y 70-175 in the 512 px portrait.
    assert covers(face, (195, 75, 260, 170))
    assert face.score > 0.5
    assert detect_plates(astronaut) == []


def test_both_pasted_plates_are_found_and_no_face_in_the_street() -> None:
    street = np.asarray(picture("street-plates.jpg"))

    plates = detect_plates(street)

    assert len(plates) == 2
    for region in PASTED_PLATES:
        left, top, right, bottom = region
        inner = (left + 10, top + 8, right - 10, bottom - 8)
        assert any(covers(plate, inner) for plate in plates), (region, plates)
    assert detect_faces(street) == []


def test_served_face_has_no_detail_left_and_the_rest_is_untouched() -> None:
    astronaut = picture("astronaut.jpg")

    redacted, outcome = redact(astronaut)

    [box] = outcome.boxes
    region = (box.left, box.top, box.right, box.bottom)
    assert detail(astronaut, region) > 8 * detail(redacted, region)
    # Padded beyond the detector's box: the hair and chin go too.
    [found] = detect_faces(np.asarray(astronaut))
    assert box.left < found.left
    assert box.bottom > found.bottom
    outside = np.ones((astronaut.height, astronaut.width), dtype=bool)
    outside[box.top : box.bottom, box.left : box.right] = False
    assert np.array_equal(np.asarray(astronaut)[outside], np.asarray(redacted)[outside])


def test_plate_characters_are_unreadable_in_the_served_copy() -> None:
    street = picture("street-plates.jpg")

    redacted = pixelate(street, find_regions(street))

    for region in PASTED_PLATES:
        assert detail(street, region) > 5 * detail(redacted, region)


def test_the_pipelines_display_copy_and_thumbnail_are_both_redacted() -> None:
    original = fixture_photo("privacy/astronaut.jpg")

    processed = process_photo(original, limits=LIMITS)

    [box] = processed.redaction.boxes
    assert processed.redaction.failure is None
    region = (box.left, box.top, box.right, box.bottom)
    display = Image.open(io.BytesIO(processed.display.data))
    assert detail(picture("astronaut.jpg"), region) > 6 * detail(display, region)
    thumbnail = Image.open(io.BytesIO(processed.thumbnail.data))
    scale = thumbnail.width / display.width
    small = tuple(round(edge * scale) for edge in region)
    unredacted = picture("astronaut.jpg").resize(thumbnail.size)
    assert detail(unredacted, small) > 3 * detail(thumbnail, small)  # type: ignore[arg-type]


def test_a_sideways_phone_photo_is_turned_upright_before_detection() -> None:
    upright = picture("astronaut.jpg")
    exif = Image.Exif()
    exif[0x0112] = 8  # stored turned 90 degrees clockwise: shown after rotating it back
    buffer = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_270).save(buffer, "JPEG", quality=90, exif=exif)

    processed = process_photo(buffer.getvalue(), limits=LIMITS)

    assert [box.kind for box in processed.redaction.boxes] == ["face"]


def test_a_detector_that_raises_marks_the_photo_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_rgb: np.ndarray) -> list[Box]:
        raise RuntimeError("model file damaged")

    monkeypatch.setattr(redaction, "detect_plates", broken)

    processed = process_photo(make_jpeg(640, 480), limits=LIMITS)

    assert processed.redaction.failure == "RuntimeError: model file damaged"
    assert processed.redaction.boxes == ()


def test_a_large_photo_is_detected_on_a_smaller_copy_and_boxed_in_its_own_pixels() -> None:
    astronaut = picture("astronaut.jpg").resize((1600, 1600))

    [box] = find_regions(astronaut)

    # The 512 px face box, three and a bit times larger.
    assert covers(box, (620, 240, 830, 540))
    assert box.right <= 1600
    assert box.bottom <= 1600
