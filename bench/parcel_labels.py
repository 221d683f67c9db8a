"""Could a text detector find parcel labels (waybills: a name, a phone, an address) to pixelate?

Not part of `make bench` and not a project dependency, because Tantou does not adopt it (see the
README's Privacy section). Run it in a venv of its own:

    python3 -m venv /tmp/ocr && /tmp/ocr/bin/pip install rapidocr-onnxruntime==1.4.4
    /tmp/ocr/bin/python bench/parcel_labels.py

It pastes a drawn waybill label (Noto CJK, as Debian's fonts-noto-cjk installs it) into the
fixture photos, flat and shrunk and turned, and measures on one core:
1. the text detector alone (DBNet): whether it finds the label's lines, and what text it finds
   in the photos without a label (shop signs, numbers: what pixelating all text would cost);
2. detection and recognition, keeping only lines that read as personal (a mobile number,
   收件/寄件/地址): labels found, lines flagged in the photos without one, and the time.
"""

import random
import re
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from rapidocr_onnxruntime import RapidOCR

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
PHOTOS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "photos" / "jpg"
FOLDERS = ("gps", "hdr", "mobile", "orientation")
PERSONAL = re.compile(r"1[3-9]\d{9}|收件|寄件|地址")
LONG_EDGE_PX = 1280
PLACEMENTS = ((1.0, 0), (0.6, 8))  # label scale and rotation in degrees
LABEL_LINES_NEEDED = 3


def waybill(seed: int) -> Image.Image:
    rng = random.Random(seed)
    label = Image.new("RGB", (420, 280), (250, 250, 245))
    draw = ImageDraw.Draw(label)
    large, small = ImageFont.truetype(FONT, 22), ImageFont.truetype(FONT, 16)
    draw.rectangle((0, 0, 419, 279), outline=(0, 0, 0), width=3)
    draw.text((12, 10), "中通快递  ZTO EXPRESS", font=large, fill=(0, 0, 0))
    for bar in range(26):  # a barcode
        left = 12 + bar * 15
        draw.rectangle((left, 45, left + rng.choice((3, 6, 9)), 100), fill=(0, 0, 0))
    receiver = f"收件人：王{rng.choice('伟芳娜敏静')}  138{rng.randrange(10**8):08d}"
    draw.text((12, 110), receiver, font=small, fill=(0, 0, 0))
    draw.text((12, 140), "地址：安徽省滁州市凤阳县府城镇东华路88号", font=small, fill=(0, 0, 0))
    sender = f"寄件人：李先生  139{rng.randrange(10**8):08d}"
    draw.text((12, 170), sender, font=small, fill=(0, 0, 0))
    draw.text((12, 200), "运单号 7312 8890 1123", font=small, fill=(0, 0, 0))
    return label


def with_label(
    photo: Image.Image, label: Image.Image, scale: float, angle: float
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    size = (int(label.width * scale), int(label.height * scale))
    turned = label.resize(size).rotate(angle, expand=True, fillcolor=(120, 110, 90))
    scene = photo.copy()
    left, top = scene.width // 3, scene.height // 2
    scene.paste(turned, (left, top))
    return scene, (left, top, left + turned.width, top + turned.height)


def text_lines(
    engine: RapidOCR, picture: Image.Image, *, read: bool
) -> tuple[list[tuple[list[list[float]], str]], float]:
    """Each text line's corner points and (when `read`) its text, and the time taken."""
    bgr = np.asarray(picture.convert("RGB"))[:, :, ::-1]
    started = time.perf_counter()
    found, _ = engine(bgr, use_det=True, use_cls=False, use_rec=read)
    elapsed = time.perf_counter() - started
    # Detection alone answers the corners; with recognition, [corners, text, score].
    lines = [(line[0], line[1]) if read else (line, "") for line in found or []]
    return lines, elapsed


def inside(points: list[list[float]], frame: tuple[int, int, int, int]) -> bool:
    left, top, right, bottom = frame
    return all(left - 5 <= x <= right + 5 and top - 5 <= y <= bottom + 5 for x, y in points)


def _personal(text: str) -> bool:
    return PERSONAL.search(text.replace(" ", "")) is not None


def main() -> None:
    engine = RapidOCR()
    photos = []
    for folder in FOLDERS:
        for path in sorted((PHOTOS / folder).glob("*.jp*g")):
            photo = Image.open(path).convert("RGB")
            photo.thumbnail((LONG_EDGE_PX, LONG_EDGE_PX))
            photos.append(photo)
    for read in (False, True):
        found = scenes = 0
        timings = []
        for seed, photo in enumerate(photos):
            for scale, angle in PLACEMENTS:
                scene, frame = with_label(photo, waybill(seed), scale, angle)
                lines, elapsed = text_lines(engine, scene, read=read)
                timings.append(elapsed)
                on_label = [line for line in lines if inside(line[0], frame)]
                if read:
                    on_label = [line for line in on_label if _personal(line[1])]
                scenes += 1
                found += len(on_label) >= LABEL_LINES_NEEDED
        elsewhere = []
        for photo in photos:
            lines, _ = text_lines(engine, photo, read=read)
            if read:
                lines = [line for line in lines if _personal(line[1])]
            elsewhere.append(len(lines))
        what = "detection and recognition, personal lines only" if read else "detection alone"
        print(f"{what}:")
        print(f"  labels found ({LABEL_LINES_NEEDED}+ lines)  {found} / {scenes}")
        with_text = sum(1 for count in elsewhere if count)
        print(f"  lines in {len(photos)} photos without a label: {sum(elsewhere)} (in {with_text})")
        print(f"  median time per photo      {statistics.median(timings) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
