"""The glossary of status words: one word per state, the same for the server and both web apps."""

import json
import re

import pytest

from app.cases.states import TaskStatus
from app.core.status_words import GLOSSARY_FILE, glossary, status_word
from app.reports.states import ReportStatus

STATUS_WORDS_JS = GLOSSARY_FILE.with_suffix(".js")
KINDS = {"report": ReportStatus, "task": TaskStatus}


def test_the_browser_module_holds_the_glossary_file_verbatim() -> None:
    source = STATUS_WORDS_JS.read_text(encoding="utf-8")
    literal = re.search(r"^const STATUS_WORDS = (\{.*?^\});$", source, re.S | re.M)
    assert literal, "status-words.js has no STATUS_WORDS literal"
    assert json.loads(literal.group(1)) == glossary(), (
        "status-words.js differs from status-words.json: paste the JSON file after "
        "`const STATUS_WORDS = `"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_status_has_a_word_in_both_languages_and_no_word_names_two(kind: str) -> None:
    statuses = KINDS[kind]
    assert set(glossary()[kind]) == {str(status) for status in statuses}
    for language in ("zh-CN", "en"):
        words = [status_word(kind, status, language) for status in statuses]
        assert all(words), f"a {kind} status has no {language} word"
        assert len(set(words)) == len(words), f"two {kind} statuses share a {language} word"


def test_every_rider_variant_says_why_it_differs() -> None:
    variants = [
        (kind, status, entry)
        for kind, entries in glossary().items()
        for status, entry in entries.items()
        if "rider" in entry
    ]
    assert variants, "the rider app words some states more gently"
    for kind, status, entry in variants:
        assert entry.get("rider_why"), f"{kind} {status}: the rider variant has no rider_why"
        assert set(entry["rider"]) == {"zh-CN", "en"}
        assert entry["rider"] != {"zh-CN": entry["zh-CN"], "en": entry["en"]}


def test_riders_read_the_gentler_word_and_everyone_else_the_common_one() -> None:
    assert status_word("report", ReportStatus.REJECTED) == "已驳回"
    assert status_word("report", ReportStatus.REJECTED, rider=True) == "未受理"
    assert status_word("report", ReportStatus.DISPATCHED, "en", rider=True) == "Dispatched"
