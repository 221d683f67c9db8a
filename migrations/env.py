"""Alembic environment: one model registry, batch mode on SQLite."""

from typing import Any

from alembic import context
from sqlalchemy import Connection, text

import app.models  # noqa: F401  (registers every table)
from app.core.db import create_db_engine, metadata
from app.core.types import StrEnumType, UTCDateTime

# The advisory lock key that serialises migrations on PostgreSQL ("tantou" in ASCII).
MIGRATION_LOCK = 0x74616E746F75


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our column types as the plain SQLAlchemy types they store."""
    if type_ == "type" and isinstance(obj, StrEnumType):
        return f"sa.String(length={obj.impl.length})"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = create_db_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Several machines starting at once: one migrates, the others wait and then find
            # the database at head. A session lock outlives the commit that ends this query.
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        run_migrations(connection)
    engine.dispose()


run_online()
