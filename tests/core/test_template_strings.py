"""Every user-visible string in a template goes through the Babel catalog."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Words that are the same in every language: product names, codes, language names in
# their own language (for the language switch), units.
ALLOWED = {"SKM-Pool", "Deutsch", "English", "SKM", "MIB", "iCal", "webcal", "QR", "CSV",
           "XLSX", "PDF", "km", "EUR", "€", "Google",
           # the name of the German plain-language standard, linked as is (lang="de")
           "Leichte", "Sprache"}
EXEMPT = "{# i18n: german-only document #}"
JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
ATTRS = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"{]*[A-Za-zÄÖÜäöüß][^"{]*)"')
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")


def _visible_text(source: str) -> list[str]:
    without_code = JINJA.sub(" ", source)
    without_style = re.sub(r"<style.*?</style>|<script.*?</script>", " ", without_code, flags=re.S)
    found = [m.group(1) for m in ATTRS.finditer(without_style)]
    text = ENTITY.sub(" ", TAG.sub("\n", without_style))
    for chunk in text.splitlines():
        words = [w for w in re.findall(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß'-]+", chunk)
                 if w not in ALLOWED]
        if words:
            found.append(chunk.strip())
    return found


def test_no_untranslated_strings_in_templates():
    problems = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"} or not path.is_file():
            continue
        source = path.read_text(encoding="utf-8")
        if EXEMPT in source:
            continue  # an official document that is German whatever the UI language
        found = _visible_text(source)
        if found:
            problems[str(path.relative_to(TEMPLATES))] = found
    assert problems == {}, problems


def test_checker_catches_a_raw_string():
    assert _visible_text("<p>Hallo Welt</p>") == ["Hallo Welt"]
    assert _visible_text('<a title="Open it">{{ _("x") }}</a>') == ["Open it"]
    assert _visible_text("<p>{{ _('Hallo') }} · SKM-Pool</p>") == []
