"""Perceptual hashes: two photos of one scene hash a few bits apart, whatever their size or
JPEG quality, so reports of the same problem can be found by their pictures."""

import imagehash
from PIL import Image

# imagehash's DCT hash (pHash) at its default 8x8: 64 bits, kept as 16 hex digits.
HASH_HEX_DIGITS = 16


def perceptual_hash(pixels: Image.Image) -> str:
    """The picture's 64-bit pHash as 16 lowercase hex digits."""
    return str(imagehash.phash(pixels))


def hash_distance(first: str, second: str) -> int:
    """How many of the 64 bits differ (0: the same picture; above about 20: unrelated)."""
    return (int(first, 16) ^ int(second, 16)).bit_count()
