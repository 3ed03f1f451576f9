"""Every German message keeps to the glossary in docs/glossary.md (one word per thing)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _avoided() -> dict[str, str]:
    """Return {word to avoid: the glossary's word} from the table in docs/glossary.md."""
    avoided = {}
    for line in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("German", "---"):
            continue
        for word in cells[2].split(","):
            if word.strip():
                avoided[word.strip().replace("\u00ad", "")] = cells[0]
    return avoided


def _german_texts() -> list[tuple[str, str]]:
    with (ROOT / "translations" / "de" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="de")
    texts = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        texts += [(msgid, s) for s in strings if s]
    return texts


def test_the_glossary_names_words_to_avoid():
    avoided = _avoided()
    assert {"Verschwiegenheitserklärung", "Sprachmittler:innen", "MIB", "das Amt"} <= set(avoided)


def test_no_german_message_uses_a_word_the_glossary_avoids():
    avoided = _avoided()
    found = []
    for _msgid, text in _german_texts():
        text = re.sub(r"%\([a-z_]+\)[sd]", "", text)  # placeholders are no words of the text
        for word, preferred in avoided.items():
            if re.search(rf"(?<![\w/:*]){re.escape(word)}(?![\w])", text, re.IGNORECASE):
                found.append((word, preferred.split(" (")[0], text[:70]))
    assert found == [], found
