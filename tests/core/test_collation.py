"""Names sort the German way (DIN 5007-1) wherever the app lists them by name."""

from __future__ import annotations

from app.services.core import collation
from app.services.core.languages import language_choices


def test_umlauts_sort_with_their_base_letter_and_case_does_not_matter():
    names = ["Zulu", "Ägyptisch", "arabisch", "Öl", "Oma", "ob", "Übersetzung", "Ukrainisch"]
    assert collation.sorted_by_name(names, str) == [
        "Ägyptisch", "arabisch", "ob", "Öl", "Oma", "Übersetzung", "Ukrainisch", "Zulu"]


def test_language_lists_put_aegyptisch_beside_arabisch_not_after_zulu(app):
    """The selection list ran "… Zulu, Ägyptisch-Arabisch" (sorted by str.casefold)."""
    with app.test_request_context():
        names = [name for _code, name in language_choices("de")]
    assert names == collation.sorted_by_name(names, str)
    first_umlaut = next(i for i, n in enumerate(names) if n[0] in "ÄÖÜ")
    assert names[first_umlaut][0] == "Ä" and names[first_umlaut + 1][0] not in "BCDEFGHZ", names
    assert names[-1][0] not in "ÄÖÜ"
