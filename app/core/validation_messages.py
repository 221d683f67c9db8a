"""Pydantic's field errors in catalogue words: one message per error type, with its context
values (`validation.<type>` in app/locale); a validator that raises `MessageError` is quoted as
it is, and an error type the catalogue lacks reads as `validation.invalid`."""

from collections.abc import Mapping
from typing import Any

from app.core.messages import DEFAULT_LANGUAGE, Message, MessageError, catalogue, placeholders


def pydantic_message(error: Mapping[str, Any]) -> Message:
    """The catalogue message for one of `ValidationError.errors()`."""
    context = error.get("ctx") or {}
    if isinstance(context.get("error"), MessageError):
        return context["error"].message  # type: ignore[no-any-return]
    message_id = f"validation.{error.get('type')}"
    text = catalogue(DEFAULT_LANGUAGE).get(message_id)
    if text is None or not placeholders(text) <= set(context):
        return Message("validation.invalid")
    return Message(message_id, **{name: _value(context[name]) for name in placeholders(text)})


def _value(value: Any) -> str | int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        # Pydantic words a choice as "'a', 'b' or 'c'"; a plain list reads in both languages.
        return str(value).replace(" or ", ", ")
    return value
