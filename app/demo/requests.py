"""The demo's open requests, kept apart from the people tables (fictional data)."""

# fmt: off
# Open requests: (days ahead, weekday or None = count days as working days, start, minutes,
# language, variety, occasion, preferred gender, family members, institution, note, offered?)
OPEN_REQUESTS = (
    (2, 0, (9, 0), 60, "tir", "", "parent_meeting", "female", 1, "Kita Sonnenblume",
     "Entwicklungsgespräch, Vater spricht wenig Deutsch", False),
    (9, 2, (10, 0), 45, "tir", "", "registration", "none", 2, "Grundschule Am Rheinufer",
     "Schulanmeldung, Familie ist neu in Rheinstadt", True),
    (15, 4, (8, 30), 60, "tir", "", "support_plan", "none", 1, "Grundschule Am Rheinufer",
     "Förderplangespräch mit Klassenlehrerin und Schulsozialarbeit", False),
    (2, None, (11, 0), 60, "kmr", "", "counselling", "none", 1,
     "Erziehungs- und Familienberatungsstelle Rheinstadt", "Beratungsgespräch zur Erziehung", True),
    (4, None, (14, 0), 90, "ckb", "", "support_plan", "none", 2, "Grundschule Nord",
     "Förderplangespräch, Mutter versteht etwas Arabisch", False),
    (6, None, (8, 30), 60, "apc", "Syrisch", "parent_meeting", "female", 2,
     "Integrierte Gesamtschule Rheinstadt", "Elterngespräch zur Versetzung", False),
    (8, None, (13, 0), 45, "pus", "", "registration", "male", 1, "Kita Regenbogen",
     "Anmeldung, Vater hat Fragen zum Betreuungsvertrag", False),
    (10, None, (10, 0), 60, "som", "", "settling_in", "female", 1, "Kita Pusteblume",
     "Gespräch nach den ersten zwei Wochen der Eingewöhnung", False),
    (7, None, (9, 30), 60, "hye", "", "parent_meeting", "none", 2, "Pestalozzi-Grundschule",
     "Elterngespräch, Familie spricht Armenisch und kaum Russisch", False),
    (12, None, (15, 0), 120, "prs", "", "parents_evening", "none", 4,
     "Berufsbildende Schule Rheinstadt", "Informationsabend zur Ausbildung", False),
    (3, None, (12, 0), 45, "ukr", "", "other", "none", 1,
     "Gesundheitsamt Rheinstadt, Kinder- und Jugendärztlicher Dienst",
     "Schuleingangsuntersuchung, Kind ist fünf Jahre alt", False),
    (13, None, (9, 0), 60, "acm", "Irakisch", "counselling", "female", 1,
     "Erziehungs- und Familienberatungsstelle Rheinstadt",
     "Erziehungsberatung, Mutter wünscht eine Frau als Mittlerin", False),
)

# fmt: on

# How some open requests are held (index in OPEN_REQUESTS -> the mode's columns); the rest
# are on site. Kept apart so the tuple above stays as it was (docs/modes.md).
OPEN_REQUEST_MODES = {
    3: {"mode": "phone", "phone_number": "+49 6132 555-201", "phone_caller": "mediator"},
    10: {"mode": "video", "meeting_url": "https://video.example/rheinstadt-gesundheitsamt-7k2q"},
    11: {"mode": "phone", "phone_number": "+49 6132 555-230", "phone_caller": "institution"},
}


def past_mode(index: int) -> str:
    """Hold every 7th past request by phone and every 11th by video (no random draw, so
    the rest of the demo stays as it was)."""
    return "phone" if index % 7 == 3 else "video" if index % 11 == 5 else "on_site"
