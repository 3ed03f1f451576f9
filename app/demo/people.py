"""Tables and builder for the demo pool's people, kept apart so demo_data stays readable.

Everything here is fictional; names only need to be plausible for the languages they go with.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from app.models.enums import MediatorStatus
from app.models.mediator import Availability, Document, Mediator, MediatorLanguage
from app.models.pool import Cohort, ModuleCompletion, QualificationModule
from app.timeutil import from_local

# fmt: off
CITY = "Rheinstadt"
POSTCODE = "55218"
DISTRICTS = ("Innenstadt", "Nord", "Süd", "West", "Frei-Weinheim", "Sporkenheim")

# name, kind, street, district, contact persons (name, function)
INSTITUTIONS = (
    ("Kita Sonnenblume", "kita", "Gartenfeldstraße 8", "Nord",
     (("Petra Lindner", "Kita-Leitung"), ("Jana Roth", "Stellv. Leitung"))),
    ("Kita Regenbogen", "kita", "Bahnhofstraße 7", "Innenstadt",
     (("Sandra Weber", "Kita-Leitung"),)),
    ("Kita Arche Noah", "kita", "Binger Straße 45", "West",
     (("Claudia Hahn", "Kita-Leitung"), ("Tobias Frank", "Sprachförderkraft"))),
    ("Städtische Kita Frei-Weinheim", "kita", "Hafenstraße 9", "Frei-Weinheim",
     (("Monika Seidel", "Kita-Leitung"),)),
    ("Kita Pusteblume", "kita", "Sporkenheimer Straße 17", "Sporkenheim",
     (("Birgit Krämer", "Kita-Leitung"),)),
    ("Grundschule Am Rheinufer", "school", "Rheinstraße 12", "Frei-Weinheim",
     (("Stefan Vogel", "Schulleitung"), ("Anja Busch", "Schulsozialarbeit"))),
    ("Grundschule Nord", "school", "Neuweg 14", "Nord", (("Heike Schreiber", "Schulleitung"),)),
    ("Pestalozzi-Grundschule", "school", "Schillerstraße 5", "Innenstadt",
     (("Markus Albrecht", "Schulleitung"), ("Nicole Ernst", "Sekretariat"))),
    ("Grundschule Sporkenheim", "school", "Am Sportfeld 3", "Sporkenheim",
     (("Ute Brandl", "Schulleitung"),)),
    ("Grundschule Im Sonnenfeld", "school", "Goethestraße 18", "Süd",
     (("Karin Jung", "Schulleitung"), ("Daniel Pohl", "DaZ-Lehrkraft"))),
    ("Integrierte Gesamtschule Rheinstadt", "school", "Konrad-Adenauer-Straße 30", "Süd",
     (("Dr. Ralf Winter", "Schulleitung"), ("Melanie Graf", "Schulsozialarbeit"))),
    ("Berufsbildende Schule Rheinstadt", "school", "Mainzer Straße 101", "West",
     (("Jörg Schuster", "Abteilungsleitung BVJ"),)),
    ("Erziehungs- und Familienberatungsstelle Rheinstadt", "counselling",
     "Friedrich-Ebert-Straße 40", "Innenstadt", (("Eva Kühn", "Leitung"),)),
    ("Stadtteilbüro Nord", "other", "Im Blumengarten 2", "Nord",
     (("Lena Haas", "Quartiersmanagement"),)),
    ("Gesundheitsamt Rheinstadt, Kinder- und Jugendärztlicher Dienst", "other",
     "Rotweinstraße 22", "Innenstadt", (("Dr. Susanne Keller", "Schulärztin"),)),
)

MODULES = (
    ("M1", "Rolle und Haltung als Sprach- und Kulturmittler/in", "Role and attitude", True),
    ("M2", "Dolmetschtechniken", "Interpreting techniques", True),
    ("M3", "Interkulturelle Kommunikation", "Intercultural communication", False),
    ("M4", "Das deutsche Schul- und Kitasystem", "The German school and daycare system", False),
    ("M5", "Kinderschutz und Schweigepflicht", "Child protection and confidentiality", True),
)

# Per origin group: female first names, male first names, last names ("male/female" when the
# surname is gendered) and languages; the first language always applies, each further one often.
GROUPS = {
    "syr": ("Rania Lama Hiba Nour Reem Dima Yara Ghada", "Ahmad Mohammad Omar Khaled Bassel Fadi",
            "Al-Hassan Haddad Khatib Darwish Hamwi Najjar Shami Sabbagh",
            (("apc", "Syrisch", "native"), ("arb", "", "C1"), ("eng", "", "B2"))),
    "irq": ("Zainab Huda Noor Sura", "Ali Haidar Mustafa Hussein Ammar",
            "Al-Jubouri Al-Tamimi Kadhim Hamoudi Al-Obaidi",
            (("acm", "Irakisch", "native"), ("arb", "", "C1"), ("ckb", "", "B2"))),
    "mar": ("Samira Khadija Nadia Fatima", "Youssef Karim Rachid",
            "El-Amrani Benali Bouzid Tahiri",
            (("ary", "Marokkanisch", "native"), ("arb", "", "C1"), ("fra", "", "C1"))),
    "kurd": ("Berfin Rojda Zozan Nesrin Hevin", "Azad Serhat Rojhat Baran Rezan",
             "Sheikho Khalil Osman Bakr Haji Ibrahim",
             (("kmr", "", "native"), ("apc", "Syrisch", "C1"), ("tur", "", "B2"))),
    "sorani": ("Shilan Nazdar Avin", "Karwan Hemin Rebwar Dler", "Rasul Aziz Qadir Mahmud",
               (("ckb", "", "native"), ("acm", "Irakisch", "B2"), ("pes", "", "B2"))),
    "afg": ("Mariam Zahra Parwana Nazanin Sima Freshta", "Farid Hamid Jawad Naweed Sayed",
            "Ahmadi Rahimi Hashimi Karimi Sultani Noori Hakimi Amiri",
            (("prs", "", "native"), ("pes", "", "C1"), ("pus", "", "B2"))),
    "pashto": ("Malalai Shabana", "Gul Rahmatullah Wahid Zabiullah",
               "Stanikzai Mohmand Safi Yousafzai",
               (("pus", "", "native"), ("prs", "", "C1"), ("urd", "", "B2"))),
    "iran": ("Shirin Maryam Azadeh Leila Negar", "Reza Babak Kaveh Arash",
             "Tehrani Mohammadi Moradi Jafari Rostami Sadeghi",
             (("pes", "", "native"), ("prs", "", "C1"), ("eng", "", "C1"))),
    "eri": ("Senait Helen Luwam Yordanos Saba", "Yonas Dawit Filmon Berhane Tesfay",
            "Habte Ghebremariam Kidane Weldu Mehari Berhe Asfaha",
            (("tir", "", "native"), ("amh", "", "B2"), ("arb", "", "B2"))),
    "som": ("Hodan Amina Fadumo Sahra", "Abdirahman Mohamed Abdi Hassan",
            "Warsame Farah Jama Abdullahi Nur",
            (("som", "", "native"), ("arb", "", "B2"))),
    "tur": ("Ayşe Elif Zeynep Hatice Derya Emine", "Mehmet Murat Emre Hakan Serkan",
            "Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın Arslan",
            (("tur", "", "native"), ("kmr", "", "B2"))),
    "pol": ("Agnieszka Katarzyna Magdalena Joanna Małgorzata", "Piotr Tomasz Krzysztof Łukasz",
            "Nowak Wójcik Mazur Kowalski/Kowalska Zieliński/Zielińska",
            (("pol", "", "native"), ("rus", "", "B2"))),
    "rus": ("Olga Natalia Irina Swetlana Jelena Tatjana", "Sergej Alexander Dmitri Andrej",
            "Schäfer Reimer Friesen Penner Wiebe Dietz",
            (("rus", "", "native"), ("ukr", "", "C1"))),
    "ukr": ("Oksana Iryna Kateryna Olena Yuliia Tetiana", "Oleksandr Andriy Mykola Taras",
            "Kovalenko Shevchenko Bondarenko Tkachenko Melnyk Boyko",
            (("ukr", "", "native"), ("rus", "", "C2"), ("pol", "", "B1"))),
    "rom": ("Andreea Ioana Elena Mihaela Raluca", "Andrei Mihai Florin",
            "Popescu Ionescu Stan Dumitru Munteanu",
            (("ron", "", "native"), ("fra", "", "B2"))),
    "bul": ("Desislava Mariya Svetla Petya", "Georgi Stoyan Nikolay",
            "Ivanov/Ivanova Petrov/Petrova Georgiev/Georgieva Dimitrov/Dimitrova",
            (("bul", "", "native"), ("tur", "", "C1"))),
    "alb": ("Arta Blerta Drita Vjosa Liridona", "Arben Besnik Driton Valon Ilir",
            "Krasniqi Berisha Gashi Hoxha Morina Shala",
            (("sqi", "", "native"), ("srp", "", "B2"))),
}

COHORT_PLAN = {
    2012: "tur tur rus rus pol kurd syr alb rom bul iran mar ukr",
    2015: "syr syr syr syr irq irq kurd kurd kurd sorani afg afg afg pashto iran eri eri som som "
          "tur tur rus pol rom bul alb mar ukr",
    2016: "syr syr syr syr irq kurd kurd sorani sorani afg afg afg pashto pashto iran eri eri som "
          "tur rus ukr ukr rom alb syr afg mar",  # plus the demo mediator
}
STATUS_MIX = {2012: (5, 1), 2015: (6, 2), 2016: (3, 1)}  # (retired, paused) per cohort
APPLICANTS = "afg ukr syr eri som"
IN_TRAINING = "ukr pashto"
DIVERSE_AT = {9, 37, 58}  # positions in creation order that get gender "diverse"

DEMO_MEDIATOR = ("Selam", "Tekle", "female", (("tir", "", "native"), ("arb", "", "C1")))
DEMO_AVAILABILITY = ((0, 8, 14), (2, 8, 14), (3, 8, 14), (4, 8, 12))
AVAILABILITY_PATTERNS = (
    ((0, 8, 13), (2, 8, 13)),
    ((1, 8, 16), (3, 8, 16)),
    ((0, 12, 18), (1, 12, 18), (4, 8, 12)),
    ((0, 8, 17), (1, 8, 17), (2, 8, 17), (3, 8, 17), (4, 8, 17)),
    ((2, 9, 15), (3, 9, 15), (4, 9, 13)),
    ((0, 8, 12), (1, 8, 12), (2, 8, 12), (3, 8, 12)),
    ((1, 13, 18), (3, 13, 18), (4, 8, 14)),
)

MOTIVATIONS = (
    "Ich bin selbst mit zwei Kindern nach Deutschland gekommen und weiß, wie schwer die ersten "
    "Gespräche in der Kita waren. Diese Erfahrung möchte ich weitergeben.",
    "Ich arbeite als Pflegehelferin und möchte mich in meiner Freizeit für Familien engagieren.",
    "Viele Eltern in meiner Nachbarschaft fragen mich schon jetzt um Hilfe bei Elternbriefen.",
    "Ich studiere Soziale Arbeit und möchte Brücken zwischen Familien und Schulen bauen.",
    "Ich möchte der Stadt etwas zurückgeben, die mich so gut aufgenommen hat.",
)
RETIRED_NOTES = ("Umzug nach Hamburg", "Berufliche Gründe", "Aufnahme eines Studiums",
                 "Familiäre Gründe", "Vollzeitstelle angetreten")
PAUSED_NOTES = ("Elternzeit", "Pausiert wegen Ausbildung", "Längerer Auslandsaufenthalt")
ABSENCE_REASONS = ("Urlaub", "Familienbesuch", "Urlaub", "Fortbildung")
CANCEL_REASONS = ("Familie hat den Termin abgesagt", "Kind ist erkrankt",
                  "Gespräch wird verschoben", "Lehrkraft erkrankt", "Familie ist umgezogen")
RARE_LANGUAGES = ("hye", "amh", "vie", "kat")  # asked for, but (almost) nobody speaks them

OCCASIONS_BY_KIND = {
    "kita": ("parent_meeting", "registration", "settling_in", "parents_evening"),
    "school": ("parent_meeting", "support_plan", "registration", "parents_evening"),
    "counselling": ("counselling",),
    "other": ("other", "counselling"),
}
ROOMS = {
    "kita": ("Büro der Leitung", "Gruppenraum Igel", "Elternzimmer"),
    "school": ("Raum 104", "Besprechungsraum", "Lehrerzimmer", "Raum 012"),
    "counselling": ("Beratungsraum 2", "Beratungsraum 1"),
    "other": ("Besprechungsraum", "Untersuchungsraum 3"),
}
NOTES = {
    "parent_meeting": ("Entwicklungsgespräch, Vater spricht wenig Deutsch",
                       "Elterngespräch zur Lernentwicklung", "Gespräch über das Sozialverhalten"),
    "registration": ("Anmeldung, Fragen zum Betreuungsvertrag", "Schulanmeldung, Familie ist neu"),
    "support_plan": ("Förderplangespräch mit Schulsozialarbeit", "Gespräch zum Förderbedarf"),
    "parents_evening": ("Elternabend der Klasse, mehrere Familien", "Informationsabend"),
    "settling_in": ("Eingewöhnung, erste Woche", "Abschlussgespräch zur Eingewöhnung"),
    "counselling": ("Erziehungsberatung, Mutter wünscht Unterstützung", "Beratungsgespräch"),
    "other": ("Schuleingangsuntersuchung", "Gespräch mit der Schulärztin"),
}

# fmt: on


def ascii_name(text: str) -> str:
    """Fold a name to lowercase ASCII, for demo e-mail addresses and slugs."""
    text = text.translate(str.maketrans({"ß": "ss", "ł": "l", "Ł": "L", "ı": "i"}))
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9-]+", "-", folded.lower()).strip("-")


def years_back(day: dt.date, years: int) -> dt.date:
    """Return the same calendar day some years earlier (28 Feb for 29 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class PoolBuilder:
    """Build the mediator pool from the tables above, with deterministic randomness."""

    def __init__(self, session, rng: random.Random, today: dt.date, now: dt.datetime,
                 modules: dict[str, QualificationModule]) -> None:
        self.s, self.rng, self.today, self.now, self.modules = session, rng, today, now, modules
        self.mediators: list[Mediator] = []
        self.emails: set[str] = set()

    def build(self) -> Mediator:
        """Create cohorts, mediators and their papers; return the demo login's mediator."""
        rng = self.rng
        cohorts = {}
        for year, plan in COHORT_PLAN.items():
            cohort = cohorts[year] = Cohort(year=year, name=f"Schulungsjahrgang {year}")
            self.s.add(cohort)
            keys = plan.split()
            retired, paused = STATUS_MIX[year]
            picks = rng.sample([i for i, k in enumerate(keys) if k != "eri"], retired + paused)
            for i, key in enumerate(keys):
                status = (MediatorStatus.RETIRED if i in picks[:retired] else
                          MediatorStatus.PAUSED if i in picks[retired:] else MediatorStatus.ACTIVE)
                self._mediator(key, status, cohort)
        first, last, gender, langs = DEMO_MEDIATOR
        demo = self._mediator("eri", MediatorStatus.ACTIVE, cohorts[2016],
                              (first, last, gender, langs))
        for key in APPLICANTS.split():
            self._mediator(key, MediatorStatus.APPLICANT, None)
        for key in IN_TRAINING.split():
            self._mediator(key, MediatorStatus.IN_TRAINING, None)
        self._documents(demo)
        return demo

    def _mediator(self, key, status, cohort, fixed=None) -> Mediator:
        rng = self.rng
        females, males, lasts, langs = GROUPS[key]
        if fixed:
            first, last, gender, langs = fixed
        else:
            gender = ("diverse" if len(self.mediators) in DIVERSE_AT
                      else "female" if rng.random() < 0.65 else "male")
            pool = {"female": females, "male": males}.get(gender, f"{females} {males}").split()
            while True:
                first, last = rng.choice(pool), rng.choice(lasts.split())
                last = last.split("/")[gender == "female"] if "/" in last else last
                if f"{ascii_name(first)}.{ascii_name(last)}" not in self.emails:
                    break
            langs = [langs[0]] + [lang for lang in langs[1:] if rng.random() < 0.55]
        local = f"{ascii_name(first)}.{ascii_name(last)}"
        self.emails.add(local)
        year = cohort.year if cohort else None
        m = Mediator(
            first_name=first, last_name=last, gender=gender, status=status, cohort=cohort,
            email=f"{local}@example.org", phone=f"+49 6132 {rng.randint(200000, 989999)}",
            share_phone=rng.random() < 0.4, district=rng.choice(DISTRICTS),
            mobility=rng.choice(("foot", "bike", "bike", "public", "public", "car")),
            german_level=rng.choice(("C2", "native") if key == "rus" else
                                    ("B1", "B2", "B2", "C1", "C1", "C2")),
            max_per_week=rng.randint(2, 5),
            joined_on=dt.date(year, rng.randint(2, 4), rng.randint(1, 28)) if year else None,
        )
        # some take phone and video work too (by position, not drawn: the demo stays)
        m.takes_phone = fixed is not None or len(self.mediators) % 3 == 0
        m.takes_video = fixed is not None or len(self.mediators) % 4 == 1
        if fixed:
            m.max_per_week, m.german_level, m.share_phone = 4, "C1", True
        for code, variety, level in langs:
            m.languages.append(MediatorLanguage(code=code, variety=variety, level=level))
        if status == MediatorStatus.RETIRED:
            m.left_on = m.joined_on + dt.timedelta(
                days=rng.randint(400, (self.today - m.joined_on).days - 120))
            m.notes = rng.choice(RETIRED_NOTES)
        elif status == MediatorStatus.PAUSED:
            m.notes = rng.choice(PAUSED_NOTES)
        elif status == MediatorStatus.APPLICANT:
            m.motivation = MOTIVATIONS[len(self.mediators) % len(MOTIVATIONS)]
            m.consent_at = self.now - dt.timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 9))
        elif status == MediatorStatus.IN_TRAINING:
            m.joined_on = self.today - dt.timedelta(days=rng.randint(40, 90))
            m.consent_at = from_local(m.joined_on - dt.timedelta(days=30), dt.time(10))
        m.consent_at = m.consent_at or from_local(m.joined_on, dt.time(9))
        m.created_at = m.updated_at = m.consent_at
        self._completions(m, year, fixed is not None)
        if status in (MediatorStatus.ACTIVE, MediatorStatus.PAUSED):
            pattern = DEMO_AVAILABILITY if fixed else rng.choice(AVAILABILITY_PATTERNS)
            for weekday, start, end in pattern:
                m.availability.append(Availability(
                    weekday=weekday, start_time=dt.time(start), end_time=dt.time(end)))
        self.s.add(m)
        # every 7th: no bank details yet
        if status in (MediatorStatus.ACTIVE, MediatorStatus.PAUSED) and len(self.mediators) % 7:
            m.account_holder, m.iban = m.full_name, demo_iban(len(self.mediators))
        self.mediators.append(m)
        return m

    def _completions(self, m: Mediator, year: int | None, complete: bool) -> None:
        """Give cohort members the modules of their year (2012 had three, later mostly five)."""
        if year:
            codes = ("M1", "M2", "M5") if year == 2012 or (
                not complete and self.rng.random() < 0.15) else ("M1", "M2", "M3", "M4", "M5")
            months = {"M1": 5, "M2": 6, "M3": 9, "M4": 10, "M5": 11}
            dates = {c: dt.date(year, months[c], self.rng.randint(1, 28)) for c in codes}
        elif m.status == MediatorStatus.IN_TRAINING:
            dates = {c: m.joined_on + dt.timedelta(days=10 + 14 * i)
                     for i, c in enumerate(("M1", "M2"))}
        else:
            return
        for code, day in dates.items():
            m.completions.append(ModuleCompletion(module=self.modules[code], completed_on=day))

    def _documents(self, demo: Mediator) -> None:
        """Mostly complete papers, plus the cases the coordinator must notice."""
        rng, today = self.rng, self.today
        active = [m for m in self.mediators if m.status == MediatorStatus.ACTIVE and m is not demo]
        rng.shuffle(active)
        due, expired, no_pledge, no_cert = active[:4], active[4:6], active[6:8], active[8:10]
        for m in self.mediators:
            if m.status == MediatorStatus.APPLICANT:
                continue
            if m not in no_pledge:
                m.documents.append(Document(kind="pledge", recorded_on=m.joined_on))
            if m.status == MediatorStatus.RETIRED or m in no_cert:
                continue  # the inspection record is deleted after leaving
            if m in due:
                seen = years_back(today + dt.timedelta(days=rng.randint(5, 55)), 5)
            elif m in expired:
                seen = years_back(today - dt.timedelta(days=rng.randint(10, 150)), 5)
            else:
                seen = max(m.joined_on, today - dt.timedelta(days=rng.randint(30, 1700)))
            m.documents.append(Document(
                kind="police_certificate", recorded_on=seen, has_relevant_entry=False,
                issued_on=seen - dt.timedelta(days=rng.randint(3, 85))))


def demo_iban(index: int) -> str:
    """Return a German IBAN that passes every check (no rng: the demo's draws stay the same)."""
    account = 1_000_000 + index % 100  # these pass the bank's own check digits
    while True:
        bban = f"50010517{account:010d}"
        digits = int("".join(str(int(c, 36)) for c in f"{bban}DE00"))
        try:
            return IBAN(f"DE{98 - digits % 97:02d}{bban}", validate_bban=True).compact
        except SchwiftyException:
            account += 1
