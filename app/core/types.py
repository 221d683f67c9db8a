"""Column types that behave the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import DateTime, String, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def time_field(*, nullable: bool = False, index: bool = False, **kwargs: Any) -> Any:
    """A SQLModel field for an aware UTC datetime column."""
    return Field(sa_type=UTCDateTime, nullable=nullable, index=index, **kwargs)


E = TypeVar("E", bound=StrEnum)


class StrEnumType(TypeDecorator[E]):
    """Stores a StrEnum by its value in a VARCHAR (no native enum types to migrate)."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[E], length: int = 24) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum_class(value)


def enum_field(
    enum_class: type[StrEnum], *, default: Any = ..., index: bool = False, length: int = 24
) -> Any:
    """A SQLModel field holding a StrEnum as its string value (at least `length` characters)."""
    length = max(length, max(len(member.value) for member in enum_class))
    return Field(default=default, sa_type=StrEnumType(enum_class, length), index=index)


def partial_index_where(condition: str) -> dict[str, Any]:
    """Index keywords that make it partial (only the rows meeting `condition`) on both databases."""
    return {f"{dialect}_where": text(condition) for dialect in ("sqlite", "postgresql")}
