"""Cursors for lists paged newest first by id."""

from app.core.errors import Unprocessable
from app.core.inputs import DB_INT_MAX
from app.core.messages import Message


def parse_id_cursor(cursor: str | None) -> int | None:
    """The id a `next_cursor` names; 422 for anything else (an id no table can hold included)."""
    if cursor is None or cursor == "":
        return None
    if not (cursor.isascii() and cursor.isdigit() and 0 < int(cursor) <= DB_INT_MAX):
        raise Unprocessable.for_field("cursor", Message("core.bad-cursor"))
    return int(cursor)
