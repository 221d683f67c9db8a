"""Input types shared by every route, so that each rule on hostile values lives in one place.

- Ids: the database's integers are 32-bit on PostgreSQL (and SQLite's are 64-bit), so an id
  outside 1..2^31-1 can name nothing; refusing it here keeps it from ever reaching a query.
- Times: a moment outside 2000..2100 is no real report, deadline or period, and near the ends
  of Python's range it overflows time-zone arithmetic.
- Text: see `control_character_problem`.
"""

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field

from app.core.messages import Message, MessageError

DB_INT_MAX = 2**31 - 1
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

DbId = Annotated[int, Field(ge=1, le=DB_INT_MAX, description="an id (1 to 2^31-1)")]


def year_in_range(year: int) -> bool:
    return EARLIEST_YEAR <= year <= LATEST_YEAR


def _check_year(value: datetime) -> datetime:
    if not year_in_range(value.year):
        raise MessageError(
            Message("core.year-out-of-range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        )
    return value


BoundedDatetime = Annotated[datetime, AfterValidator(_check_year)]
BoundedAwareDatetime = Annotated[AwareDatetime, AfterValidator(_check_year)]

# C0 controls but tab, newline and carriage return; DEL and the C1 controls. NUL cannot be
# stored by PostgreSQL at all, and the others only hide or garble text in the console.
_REFUSED_CONTROLS = frozenset(
    [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + list(range(0x7F, 0xA0))
)


def control_character_problem(text: str) -> Message | None:
    """Why `text` is refused (the first control character in it), or None if it is fine."""
    for char in text:
        if ord(char) in _REFUSED_CONTROLS:
            return Message("core.control-character", code=f"{ord(char):04X}")
    return None


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable(**constraints: Any) -> Any:
    """A PATCH field that may be left out (then unchanged) but is never null: the field's
    type has no None, so an explicit null is a 422 naming it, like any other wrong type.
    Read such bodies with `model_dump(exclude_unset=True)`."""
    return Field(default=None, json_schema_extra=_drop_default, **constraints)
