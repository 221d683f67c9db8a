"""One dependency on every API route: no control characters in any text the caller sends.

Checking the request's text as parsed (path, query, JSON body, form fields) rather than field
by field means that no new field can forget the rule. It runs before the route, so a refused
value is never stored.
"""

from collections.abc import Iterator

from fastapi import Request
from starlette.datastructures import UploadFile

from app.core.errors import Unprocessable
from app.core.inputs import control_character_problem
from app.core.json_texts import json_texts

JSON_TYPES = ("application/json", "+json")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


async def _request_texts(request: Request) -> Iterator[tuple[str, str]]:
    texts: list[tuple[str, str]] = list(request.path_params.items())
    texts += [
        pair
        for key, value in request.query_params.multi_items()
        for pair in ((key, key), (key, value))
    ]
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type.endswith(JSON_TYPES) and await request.body():
        # FastAPI has parsed the body already (and answered 422 if it is not JSON).
        texts += json_texts(await request.json())
    elif content_type in FORM_TYPES:
        for key, value in (await request.form()).multi_items():
            texts.append((key, key))
            if isinstance(value, UploadFile):
                texts.append((key, value.filename or ""))
            else:
                texts.append((key, value))
    return iter(texts)


async def refuse_control_characters(request: Request) -> None:
    """422 naming the first field whose text holds a control character (tab and line breaks
    are fine)."""
    for field, text in await _request_texts(request):
        problem = control_character_problem(text)
        if problem is not None:
            raise Unprocessable.for_field(field, problem)
