"""The message catalogue: every message the code names is in both languages with the same
placeholders, no zh-CN text holds an English sentence, and Accept-Language picks the language."""

import ast
import re
from pathlib import Path

import pytest

from app.core.messages import (
    LANGUAGES,
    Message,
    Words,
    catalogue,
    negotiate,
    placeholders,
)

APP_DIR = Path(__file__).resolve().parents[2] / "app"
# Read by error type (app/core/validation_messages.py), not named in the code.
BY_ERROR_TYPE = "validation."
BY_ERROR_TYPE_MODULE = APP_DIR / "core" / "validation_messages.py"
# Two Latin-letter words in a row: an English phrase. A word is letters only (client_id, lat/lon,
# e4f2 or task.* are codes); codes quoted '…', "…", “…” or `…` are fine too.
WORD = r"(?<![\w./-])[A-Za-z]+(?:'[A-Za-z]+)?(?![\w./-])"
ENGLISH_RUN = re.compile(rf"{WORD}\s+{WORD}")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|`[^`]*`")


def english_runs(text: str) -> list[str]:
    """The English phrases in a Chinese text, quoted codes left out."""
    return ENGLISH_RUN.findall(QUOTED.sub("", text))


def named_messages() -> dict[str, set[str]]:
    """{message id: the value names given} of every `Message("id", …)` in app/."""
    named: dict[str, set[str]] = {}
    for path in set(APP_DIR.rglob("*.py")) - {BY_ERROR_TYPE_MODULE}:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Message"
                and node.args
            ):
                first = node.args[0]
                where = f"{path}:{node.lineno}: name a message by a literal id"
                assert isinstance(first, ast.Constant), where
                assert isinstance(first.value, str), where
                named[first.value] = {k.arg for k in node.keywords if k.arg is not None}
    return named


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert zh.keys() == en.keys(), zh.keys() ^ en.keys()
    for message_id, text in zh.items():
        assert text, message_id
        assert en[message_id], message_id
        assert placeholders(text) == placeholders(en[message_id]), message_id


def test_every_message_the_code_names_exists_with_the_values_it_takes() -> None:
    zh = catalogue("zh-CN")
    named = named_messages()
    assert len(named) > 200
    for message_id, values in named.items():
        assert message_id in zh, f"{message_id} is not in app/locale"
        assert values == placeholders(zh[message_id]), message_id


def test_every_catalogue_message_is_used() -> None:
    unused = set(catalogue("zh-CN")) - set(named_messages())
    assert {m for m in unused if not m.startswith(BY_ERROR_TYPE)} == set()


def test_no_chinese_message_holds_an_english_sentence() -> None:
    found = {i: english_runs(t) for i, t in catalogue("zh-CN").items() if english_runs(t)}
    assert found == {}


def test_the_detector_finds_english_but_not_quoted_codes() -> None:
    assert english_runs("lat：send lat/lon or a photo with GPS")
    assert english_runs("没有问题类别“road works”，请选 `client_id` 或 lat") == []
    assert english_runs("client_id e4f25471-4203 已用于另一条上报") == []


def test_a_message_renders_in_each_language_with_nested_values() -> None:
    message = Message(
        "core.field-problem", field="lat", problem=Message("reports.lat-lon-together")
    )
    assert message.render("zh-CN") == "lat：经度和纬度须同时填写"
    assert message.render("en") == "lat: send lat and lon together"
    word = Words("已受理", "accepted")
    assert Message("notifications.report-accepted", case_id=7, status=word).render("en") == (
        "Report #7 accepted"
    )


def test_an_unknown_id_or_wrong_values_fail_at_once() -> None:
    with pytest.raises(KeyError):
        Message("reports.no-such-message")
    with pytest.raises(TypeError):
        Message("reports.no-report", id=3)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("zh-TW,en;q=0.5", "zh-CN"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,en;q=0.8,zh;q=0.9", "zh-CN"),
        ("fr-FR,zh;q=0.3,en;q=0.8", "en"),
        ("de, fr", "zh-CN"),
        ("en;q=0, zh;q=0", "zh-CN"),
        ("EN-gb", "en"),
        ("en;q=abc, zh;q=0.1", "zh-CN"),
    ],
)
def test_accept_language_picks_the_language(header: str | None, language: str) -> None:
    assert negotiate(header) == language
    assert language in LANGUAGES
