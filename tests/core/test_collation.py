"""Names sort the German way (DIN 5007-1) wherever the app lists them by name."""

from __future__ import annotations

from app.services.core import collation, languages
from app.services.core.languages import language_choices


def test_umlauts_sort_with_their_base_letter_and_case_does_not_matter():
    names = ["Zulu", "Ägyptisch", "arabisch", "Öl", "Oma", "ob", "Übersetzung", "Ukrainisch"]
    assert collation.sorted_by_name(names, str) == [
        "Ägyptisch", "arabisch", "ob", "Öl", "Oma", "Übersetzung", "Ukrainisch", "Zulu"]


def test_language_lists_put_aegyptisch_beside_arabisch_not_after_zulu(app):
    """The selection list ran "… Zulu, Ägyptisch-Arabisch" (sorted by str.casefold), and
    offered "Arabisch" beside "Standard-Arabisch" as if they were two languages."""
    with app.test_request_context():
        choices = language_choices("de")
    prefix = languages.VARIETY_PREFIX
    top = [name for _code, name in choices if not name.startswith(prefix)]
    assert top == collation.sorted_by_name(top, str)
    assert top[-1][0] not in "ÄÖÜ"
    codes = [code for code, _name in choices]
    arabic = codes.index("ara")
    varieties = []
    for code, name in choices[arabic + 1:]:
        if not name.startswith(prefix):
            break
        varieties.append((code, name.removeprefix(prefix)))
    assert {"arb", "apc", "arz"} <= {code for code, _name in varieties}
    assert [n for _c, n in varieties] == collation.sorted_by_name([n for _c, n in varieties], str)
    assert varieties[0][1].startswith("Ägyptisch"), varieties  # Ä sorts as A: first
    persian = dict(choices[codes.index("fas") + 1:codes.index("fas") + 3])
    assert set(persian) == {"prs", "pes"}  # Dari and Farsi beneath Persisch
