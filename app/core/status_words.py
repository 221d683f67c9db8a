"""The glossary of status words, shared with both web apps (frontend/shared/status-words.json).

One word per report and task status in each language, so that a rider's phone, the console, the
notifications and the Open311 feed call a state the same thing. Where the rider app deliberately
words a state more gently, the glossary holds a `rider` variant and says why (`rider_why`).
"""

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

from app.core.messages import Words

GLOSSARY_FILE = Path(__file__).resolve().parents[2] / "frontend" / "shared" / "status-words.json"

StatusKind = Literal["report", "task"]
Language = Literal["zh-CN", "en"]


@cache
def glossary() -> dict[str, Any]:
    """The glossary as stored: {kind: {status: {"zh-CN", "en", "rider"?, "rider_why"?}}}."""
    return json.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def status_word(
    kind: StatusKind, status: str, language: Language = "zh-CN", *, rider: bool = False
) -> str:
    """The word for a status; `rider=True` picks the rider app's variant where there is one."""
    entry = glossary()[kind][str(status)]
    if rider and "rider" in entry:
        entry = entry["rider"]
    return str(entry[language])


def status_words(kind: StatusKind, status: str, *, rider: bool = False) -> Words:
    """A status's word in both languages, as a message value inside a sentence (English in
    lower case)."""
    return Words(
        status_word(kind, status, "zh-CN", rider=rider),
        status_word(kind, status, "en", rider=rider).lower(),
    )
