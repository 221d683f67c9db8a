"""Cursors for lists paged newest first by id."""

from app.core.errors import Unprocessable


def parse_id_cursor(cursor: str | None) -> int | None:
    """The id a `next_cursor` names; 422 for anything else."""
    if cursor is None:
        return None
    if not cursor.isdigit():
        raise Unprocessable.for_field("cursor", "use the next_cursor of the previous page")
    return int(cursor)
