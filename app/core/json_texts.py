"""Every piece of text in a parsed JSON document, named by where it stands."""

from collections.abc import Iterator
from typing import Any


def json_texts(value: Any, field: str = "") -> Iterator[tuple[str, str]]:
    """(field, text) for every string in `value`, object keys included; a field is a dotted path
    (`items.0.name`), and a string that is the whole document stands as `body`."""
    if isinstance(value, str):
        yield field or "body", value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{field}.{key}" if field else str(key)
            yield name, str(key)
            yield from json_texts(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_texts(item, f"{field}.{index}" if field else str(index))
