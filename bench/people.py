"""Name lists and weights that make the generated pool look like a real German one.

The language weights follow the order of demand a German integration office sees (Arabic
varieties, Ukrainian, Turkish, Russian, Dari/Farsi, Kurdish, Tigrinya, Balkan languages ...);
they are plausible proportions, not official statistics.
"""

LANGUAGES = ("apc", "arb", "ukr", "tur", "rus", "prs", "pes", "kmr", "pus", "tir", "ckb", "sqi",
             "ron", "bul", "pol", "som", "amh", "fra", "eng", "srp", "bos", "hrv", "vie", "ell",
             "ita", "spa", "aze", "urd", "ful", "hun")
LANGUAGE_WEIGHTS = (10, 9, 11, 10, 8, 6, 4, 5, 3, 3, 2, 3, 3, 3, 3, 2, 1.5, 2, 2, 1.5, 1, 1,
                    1, 1, 1, 1, 1, 1, 0.5, 0.5)

STATUSES = ("active", "paused", "in_training", "applicant", "retired", "withdrawn")
STATUS_WEIGHTS = (70, 8, 7, 5, 7, 3)

INSTITUTION_KINDS = ("school", "kita", "counselling", "other")
INSTITUTION_WEIGHTS = (45, 35, 12, 8)
KIND_PREFIX = {"school": "Schule", "kita": "Kita", "counselling": "Beratungsstelle",
               "other": "Einrichtung"}

OCCASIONS = ("parent_meeting", "registration", "support_plan", "parents_evening",
             "settling_in", "counselling", "other")
OCCASION_WEIGHTS = (40, 12, 10, 8, 10, 12, 8)

DISTRICTS = ("Nord", "Süd", "Ost", "West", "Mitte", "Altstadt", "Hafen", "Bahnhof", "Auen",
             "Bergviertel", "Kreis Nord", "Kreis Süd", "Kreis Ost", "Kreis West")

MODULES = (
    ("M1", "Rolle und Haltung", "Role and attitude", True),
    ("M2", "Dolmetschtechniken", "Interpreting techniques", True),
    ("M3", "Schweigepflicht und Datenschutz", "Confidentiality and data protection", True),
    ("M4", "Bildungssystem in Deutschland", "The German education system", False),
    ("M5", "Interkulturelle Kommunikation", "Intercultural communication", False),
)

FIRST_NAMES = ("Amal", "Ahmad", "Olena", "Mehmet", "Natalia", "Farid", "Shirin", "Rojda",
               "Yonas", "Lina", "Karim", "Ayşe", "Dmytro", "Mariam", "Hawa", "Arben", "Ioana",
               "Petar", "Agnieszka", "Said", "Selam", "Zeynep", "Omid", "Hevin", "Nadia")
LAST_NAMES = ("Haddad", "Yilmaz", "Kovalenko", "Ahmadi", "Hosseini", "Tesfaye", "Kaya",
              "Ivanova", "Rahimi", "Berisha", "Popescu", "Nowak", "Demir", "Osman", "Mustafa",
              "Schmidt", "Bondarenko", "Karimi", "Gebremedhin", "Hasani", "Petrov", "Aziz",
              "Shevchenko", "Celik", "Nasser")
