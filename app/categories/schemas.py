"""What the category endpoints give."""

from pydantic import BaseModel

from app.categories.models import CategoryPublic


class CategoryList(BaseModel):
    items: list[CategoryPublic]
