"""Conditional single-row updates: change a row only if it still is what the caller read.

Of concurrent writers racing on one row, exactly one sees its condition hold; the others learn
it from the row count instead of overwriting the winner. Afterwards the session's copy of the
row, if it has one, shows what the database now holds, whether the update won or lost.
"""

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, inspect, update
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, SQLModel

from app.core.errors import Conflict


def update_where(
    session: Session,
    model: type[SQLModel],
    obj_or_id: SQLModel | object,
    *conditions: ColumnElement[bool],
    expected: Mapping[str, object] | None = None,
    values: Mapping[str, Any],
) -> bool:
    """UPDATE the row of `obj_or_id` (an instance of `model` or its primary key) SET `values`
    WHERE every `expected` column still equals its value and every extra condition holds.

    True if the row changed. The session's instance of the row, if it holds one, is then
    reloaded whole: a winner sees what SQL expressions such as `stock - 1` came to, a loser
    the state that beat it.
    """
    expected = expected or {}
    mapper = inspect(model)
    key_column = mapper.primary_key[0]
    if isinstance(obj_or_id, model):
        instance: object | None = obj_or_id
        key = mapper.primary_key_from_instance(obj_or_id)[0]
    else:
        key = obj_or_id
        instance = session.identity_map.get(identity_key(model, key))
    matches = [getattr(model, name) == value for name, value in expected.items()]
    result = session.execute(
        update(model)
        .where(key_column == key, *matches, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if instance is not None:
        session.refresh(instance)
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def update_or_conflict(
    session: Session,
    model: type[SQLModel],
    obj_or_id: SQLModel | object,
    *conditions: ColumnElement[bool],
    expected: Mapping[str, object] | None = None,
    values: Mapping[str, Any],
    conflict: Callable[[], Conflict],
) -> None:
    """`update_where`, raising `conflict()` if the row did not change; the factory runs after
    the reload, so its message can name the row's current state."""
    if not update_where(session, model, obj_or_id, *conditions, expected=expected, values=values):
        raise conflict()
