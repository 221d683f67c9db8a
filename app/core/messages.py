"""The server's messages in zh-CN and en, from one gettext catalogue (app/locale/*/messages.po).

A message is named by its id with named values (`Message("reports.no-category", code=code)`);
its text is chosen when the answer is written, in the language the request asked for
(`Accept-Language`, zh-CN when absent). An error takes a `Message`, never a `str`, so an
untranslated text cannot be raised; tests/core/test_messages.py checks that every id used in
app/ is in both catalogues with the same placeholders.
"""

import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, Union

from babel.messages.pofile import read_po

Language = Literal["zh-CN", "en"]
LANGUAGES: tuple[Language, ...] = ("zh-CN", "en")
DEFAULT_LANGUAGE: Language = "zh-CN"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
PO_FILES: dict[Language, Path] = {
    "zh-CN": LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po",
    "en": LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po",
}

Value = Union[str, int, float, "Message", "Words"]


@dataclass(frozen=True)
class Words:
    """A value worded outside the catalogue in both languages (a status word of the shared
    glossary, a category's names)."""

    zh_cn: str
    en: str

    def render(self, language: "Language") -> str:
        return self.zh_cn if language == "zh-CN" else self.en


@cache
def catalogue(language: Language) -> dict[str, str]:
    """{message id: text} of one language."""
    with PO_FILES[language].open("rb") as po:
        return {str(m.id): str(m.string) for m in read_po(po) if m.id}


def placeholders(text: str) -> set[str]:
    """The names of the `{name}` fields in a catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Message:
    """One catalogue message with its values; a value may itself be a Message."""

    __slots__ = ("id", "values")

    def __init__(self, message_id: str, /, **values: Value) -> None:
        text = catalogue(DEFAULT_LANGUAGE).get(message_id)
        if text is None:
            raise KeyError(f"no message {message_id!r} in {PO_FILES[DEFAULT_LANGUAGE]}")
        if set(values) != placeholders(text):
            raise TypeError(f"message {message_id!r} takes {sorted(placeholders(text))}")
        self.id = message_id
        self.values: Mapping[str, Value] = values

    def render(self, language: Language) -> str:
        values = {
            name: value.render(language) if isinstance(value, Message | Words) else value
            for name, value in self.values.items()
        }
        return catalogue(language)[self.id].format(**values)

    def __repr__(self) -> str:
        return f"Message({self.id!r}, {dict(self.values)!r})"


class MessageError(ValueError):
    """A ValueError that says why in catalogue words: raised by helpers whose callers turn it
    into a field error, and by pydantic validators (the 422 handler reads its message)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def negotiate(accept_language: str | None) -> Language:
    """The language of an answer: the best of zh-CN and en by the header's q-values; zh, zh-CN,
    zh-Hans and any zh-* mean zh-CN, en and en-* mean en; no header or no match: zh-CN."""
    best: tuple[float, Language] | None = None
    for item in (accept_language or "").split(","):
        tag, _, params = item.strip().partition(";")
        language = _language_of(tag.strip().lower())
        if language is None:
            continue
        quality = _quality(params)
        # Higher q wins; among equal q the first listed wins.
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, language)
    return best[1] if best else DEFAULT_LANGUAGE


def _language_of(tag: str) -> Language | None:
    primary = tag.split("-")[0]
    if primary == "zh":
        return "zh-CN"
    if primary == "en":
        return "en"
    return None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0
