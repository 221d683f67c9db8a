"""Generation numbers: a counter per kind of shared data, bumped in the transaction that changes
it, so that every process (on any machine) can tell cheaply that its cached copy is stale."""

from sqlmodel import Field, Session, SQLModel, col, select

from app.core.upsert import dialect_insert


class Generation(SQLModel, table=True):
    __tablename__ = "generation"

    name: str = Field(primary_key=True, max_length=60)
    value: int


def bump(session: Session, name: str) -> None:
    """Count one more change of `name`, in the caller's transaction."""
    insert = dialect_insert(session.get_bind())
    statement = insert(Generation).values(name=name, value=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name"], set_={"value": col(Generation.value) + 1}
        )
    )


def current(session: Session, name: str) -> int:
    """The generation of `name` (0 before its first change)."""
    value = session.exec(select(Generation.value).where(Generation.name == name)).first()
    return value or 0
