"""INSERT … ON CONFLICT for the database at hand (SQLite ≥ 3.35 and PostgreSQL)."""

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(bind: Engine | Connection) -> type[sqlite.Insert] | type[postgresql.Insert]:
    """The `insert` construct that offers `on_conflict_do_*` on `bind`'s database."""
    return sqlite.Insert if bind.dialect.name == "sqlite" else postgresql.Insert
