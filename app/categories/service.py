"""Categories: reading, admin edits, and installing the standard taxonomy."""

from sqlmodel import Session, select

from app.categories.models import Category, CategoryPublic, CategoryUpdate
from app.core.errors import Conflict, NotFound
from app.core.messages import Message


def list_categories(session: Session, *, include_inactive: bool = False) -> list[Category]:
    """Categories in code order."""
    query = select(Category).order_by(Category.code)
    if not include_inactive:
        query = query.where(Category.active)
    return list(session.exec(query))


def get_category(session: Session, code: str) -> Category:
    """One category, or 404."""
    category = session.get(Category, code)
    if category is None:
        raise NotFound(Message("categories.no-category", code=code))
    return category


def create_category(session: Session, data: CategoryPublic) -> Category:
    """Add a category (flushes)."""
    if session.get(Category, data.code) is not None:
        raise Conflict(Message("categories.code-taken", code=data.code))
    category = Category.model_validate(data.model_dump())
    session.add(category)
    session.flush()
    return category


def update_category(session: Session, code: str, changes: CategoryUpdate) -> Category:
    """Change the given fields of a category (flushes)."""
    category = get_category(session, code)
    for field, value in changes.model_dump(exclude_unset=True).items():
        setattr(category, field, value)
    session.add(category)
    session.flush()
    return category
