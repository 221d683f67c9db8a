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


def status_words(kind: StatusKind, status: str) -> Words:
    """A status as a message value: the glossary's word in Chinese; in English the status as the
    API names it (`resolved`), the word a console user or an integration sees in `status`."""
    return Words(status_word(kind, status), str(status))
