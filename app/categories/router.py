"""Categories: public list, admin edits."""

from fastapi import APIRouter, status

from app.accounts.deps import AdminAccount
from app.categories import service
from app.categories.models import CategoryPublic, CategoryUpdate
from app.categories.schemas import CategoryList
from app.core.deps import ReadSession, WriteSession

router = APIRouter(tags=["categories"])


@router.get("/categories", response_model=CategoryList)
def list_categories(session: ReadSession) -> CategoryList:
    """The active categories (数字城管 events and local additions)."""
    return CategoryList(
        items=[
            CategoryPublic.model_validate(c, from_attributes=True)
            for c in service.list_categories(session)
        ]
    )


@router.get("/categories/all", response_model=CategoryList)
def list_all_categories(session: ReadSession, _admin: AdminAccount) -> CategoryList:
    """Every category, the deactivated ones too (admins)."""
    return CategoryList(
        items=[
            CategoryPublic.model_validate(c, from_attributes=True)
            for c in service.list_categories(session, include_inactive=True)
        ]
    )


@router.post("/categories", response_model=CategoryPublic, status_code=status.HTTP_201_CREATED)
def create_category(
    body: CategoryPublic, session: WriteSession, _admin: AdminAccount
) -> CategoryPublic:
    """Add a category."""
    category = service.create_category(session, body)
    session.commit()
    return CategoryPublic.model_validate(category, from_attributes=True)


@router.patch("/categories/{code}", response_model=CategoryPublic)
def update_category(
    code: str, body: CategoryUpdate, session: WriteSession, _admin: AdminAccount
) -> CategoryPublic:
    """Edit a category's names, time limit, default unit type or points."""
    category = service.update_category(session, code, body)
    session.commit()
    return CategoryPublic.model_validate(category, from_attributes=True)
