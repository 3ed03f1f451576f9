"""Every setting of the app, read from the environment in this one file.

How a setting is added (the one mechanism; docs/operations.md "Configure"):

1. Read it in a config class below with `env.<type>("NAME", default)` -- `env.str`, `env.int`,
   `env.float`, `env.bool`, `env.list`, `env.int_list`, `env.optional_int`; `secret=True` for
   anything that must never be printed. The type and the default live here and nowhere else:
   the code reads `current_app.config["NAME"]` (never `config.get("NAME", default)`).
2. Add `# NAME=default   # one-line comment` to `.env.example`; tests/ops/test_config.py fails
   while a name read here is missing there.
3. If production must not run without it, add a rule to `validate_production` below.

Why a small reader of our own and not Flask's `from_prefixed_env` or environs: the names stay
as they are (no FLASK_ prefix to rename in every deployment), it needs no new dependency, and it
does the two things the app needs beyond typed parsing: it records every name it reads (the
`.env.example` test and the masking of `flask config check`) and it collects every value that
does not parse instead of stopping at the first, so the app refuses with one line per problem.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-insecure-change-me"
# secrets that appear in the code or the documentation; production refuses every one of them
EXAMPLE_SECRETS = frozenset({DEFAULT_SECRET, "change-me", "testing-secret",
                             "replace-with-output-of-python-secrets-token-hex-32"})
SECRET_MIN_BYTES = 32
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Read:
    """One setting read from the environment: its type, its default, whether it is secret."""

    kind: str
    default: Any
    secret: bool = False


@dataclass
class Env:
    """The one reader of the environment (see the module docstring).

    An empty value counts as unset. A value that does not parse is recorded in `errors` (one
    line each) and the default is used, so all problems are reported together.
    """

    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    reads: dict[str, Read] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def _raw(self, name: str, kind: str, default: Any, secret: bool) -> str | None:
        self.reads[name] = Read(kind, default, secret)
        value = self.environ.get(name)
        return value.strip() if value is not None and value.strip() else None

    def _parse(self, name: str, kind: str, default: Any, secret: bool, parse) -> Any:
        raw = self._raw(name, kind, default, secret)
        if raw is None:
            return default
        try:
            return parse(raw)
        except ValueError:
            shown = "(hidden)" if secret else repr(raw)
            self.errors.append(f"{name}: {shown} is not a valid {kind}")
            return default

    def str(self, name: str, default: str = "", *, secret: bool = False) -> str:
        return self._parse(name, "text", default, secret, lambda raw: raw)

    def int(self, name: str, default: int, *, secret: bool = False) -> int:
        return self._parse(name, "whole number", default, secret, int)

    def optional_int(self, name: str) -> int | None:
        return self._parse(name, "whole number", None, False, int)

    def float(self, name: str, default: float) -> float:
        return self._parse(name, "number", default, False, float)

    def bool(self, name: str, default: bool = False) -> bool:
        def parse(raw: str) -> bool:
            word = raw.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                raise ValueError(raw)
            return word in TRUE_WORDS

        return self._parse(name, "yes/no value (1/0, true/false, yes/no, on/off)", default,
                           False, parse)

    def list(self, name: str, default: tuple = (), *, secret: bool = False) -> tuple:
        """A comma-separated list of words."""
        return self._parse(name, "comma-separated list", tuple(default), secret,
                           lambda raw: tuple(v.strip() for v in raw.split(",") if v.strip()))

    def date_ranges(self, name: str, default: tuple = ()) -> tuple[tuple[dt.date, dt.date], ...]:
        """Comma-separated ISO date ranges `2026-12-21..2027-01-02` (a single date: one day)."""
        def parse(raw: str) -> tuple[tuple[dt.date, dt.date], ...]:
            ranges = []
            for part in (p.strip() for p in raw.split(",")):
                if not part:
                    continue
                first, _dots, last = part.partition("..")
                start = dt.date.fromisoformat(first.strip())
                end = dt.date.fromisoformat(last.strip()) if last.strip() else start
                if end < start:
                    raise ValueError(part)
                ranges.append((start, end))
            return tuple(ranges)

        return self._parse(name, "comma-separated list of date ranges (YYYY-MM-DD..YYYY-MM-DD)",
                           tuple(default), False, parse)

    def int_list(self, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
        return self._parse(name, "comma-separated list of whole numbers", tuple(default), False,
                           lambda raw: tuple(int(v) for v in raw.split(",") if v.strip()))


env = Env()


def database_url(value: str) -> str:
    """Give plain PostgreSQL URLs the installed driver (psycopg 3), not SQLAlchemy's psycopg2.

    Hosting panels and `pg_service` snippets hand out `postgres://` or `postgresql://` URLs;
    SQLAlchemy reads both as psycopg2, which is not installed.
    """
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


class Config:
    CONFIG_NAME = "base"  # development | testing | production: which rules apply (below)
    SECRET_KEY = env.str("SECRET_KEY", DEFAULT_SECRET, secret=True)
    # earlier keys, still accepted for every signed token and cookie until removed
    # (docs/operations.md "Rotate keys"); new ones are always signed with SECRET_KEY
    SECRET_KEY_FALLBACKS = list(env.list("SECRET_KEY_FALLBACKS", secret=True))
    SQLALCHEMY_DATABASE_URI = database_url(env.str(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'skm_pool.sqlite'}"
    ))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # the public address in e-mail links and feed URLs; production requires https://
    BASE_URL = env.str("BASE_URL")
    TIMEZONE = env.str("TIMEZONE", "Europe/Berlin")

    MAIL_SERVER = env.str("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = env.int("MAIL_PORT", 8025)
    MAIL_USE_TLS = env.bool("MAIL_USE_TLS")
    MAIL_USERNAME = env.str("MAIL_USERNAME") or None
    MAIL_PASSWORD = env.str("MAIL_PASSWORD", secret=True) or None
    MAIL_DEFAULT_SENDER = env.str("MAIL_DEFAULT_SENDER", "skm-pool@mib.example.de")
    MAIL_TIMEOUT = env.int("MAIL_TIMEOUT", 10)
    # a message the server keeps refusing is marked dead after this many attempts
    OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_INTERVAL_SECONDS = env.int("OUTBOX_INTERVAL_SECONDS", 60)
    # the scheduler (docs/operations.md): how often a standby asks for the lock, and how
    # often the holder checks that it still has it (besides the check before every job)
    SCHEDULER_POLL_SECONDS = env.float("SCHEDULER_POLL_SECONDS", 30)
    SCHEDULER_HEARTBEAT_SECONDS = env.float("SCHEDULER_HEARTBEAT_SECONDS", 10)
    # /readyz answers 503 when a due e-mail has waited longer than this (no sender running)
    READY_OUTBOX_MAX_AGE_MINUTES = env.int("READY_OUTBOX_MAX_AGE_MINUTES", 30)
    # every worker logs one line at start when the schema is not at the code's migration head
    SCHEMA_CHECK_ON_START = env.bool("SCHEMA_CHECK_ON_START", True)
    # reminders (app/services/calendar/reminders.py): assignments this many hours before,
    # meetings these many days before, documents expiring within this many days, the
    # coordinators' digest from this local hour on; a reminder missed while the scheduler
    # was down is still sent within the grace period
    ASSIGNMENT_REMINDER_HOURS = env.int("ASSIGNMENT_REMINDER_HOURS", 24)
    MEETING_REMINDER_DAYS = env.int_list("MEETING_REMINDER_DAYS", (7, 1))
    DOCUMENT_WARNING_DAYS = env.int("DOCUMENT_WARNING_DAYS", 60)
    DIGEST_HOUR = env.int("DIGEST_HOUR", 7)
    REMINDER_GRACE_HOURS = env.int("REMINDER_GRACE_HOURS", 12)
    # where uploaded import files wait for confirmation (docs/import.md)
    IMPORT_FOLDER = env.str("IMPORT_FOLDER", str(BASE_DIR / "instance" / "imports"))

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # memory:// counts per worker process; with several workers use redis://host:6379/n
    # (docs/security.md). A Redis outage falls back to per-worker counting, not to a 500.
    RATELIMIT_STORAGE_URI = env.str("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = env.str("RATELIMIT_KEY_PREFIX", "skm")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # with Redis: while it is down each worker lets an address through limit / this many times,
    # and hands its counts to Redis when it is back (app/ratelimit_storage.py); 0 = the
    # gunicorn worker count (GUNICORN_WORKERS, else 2 x CPU cores)
    RATELIMIT_FALLBACK_WORKERS = env.int("RATELIMIT_FALLBACK_WORKERS", 0)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = env.str("LOGIN_RATE_LIMIT", "10 per minute")

    INVITE_MAX_AGE = 7 * 24 * 3600  # seconds an invitation link stays valid
    RESET_MAX_AGE = 2 * 3600  # seconds a password-reset link stays valid
    POLICE_CERT_VALID_YEARS = env.int("POLICE_CERT_VALID_YEARS", 5)
    POLICE_CERT_MAX_AGE_DAYS = 92  # certificate at most 3 months old when inspected
    ITEMS_PER_PAGE = 20
    # the town's account the allowances are paid from (debtor of the SEPA transfer file)
    SEPA_DEBTOR_NAME = env.str("SEPA_DEBTOR_NAME")
    SEPA_DEBTOR_IBAN = env.str("SEPA_DEBTOR_IBAN")
    SEPA_DEBTOR_BIC = env.str("SEPA_DEBTOR_BIC")
    # the largest amount (EUR, either sign) of one manual allowance correction, time or travel
    ALLOWANCE_MAX_CORRECTION_EUR = env.int("ALLOWANCE_MAX_CORRECTION_EUR", 2000)
    DASHBOARD_PER_PAGE = 50  # open requests per page of the coordinator's dashboard
    # per-worker memory for whole calendar feeds, keyed by owner and ETag
    # (app/services/calendar/feeds.py)
    FEED_CACHE_BYTES = env.int("FEED_CACHE_BYTES", 16 * 1024 * 1024)
    # PostgreSQL: answer repeated polls from memory, kept current by LISTEN/NOTIFY
    # (app/services/calendar/feed_listener.py); the age bounds a silently dead connection
    FEED_LISTEN = env.bool("FEED_LISTEN", True)
    FEED_MEMO_ENTRIES = env.int("FEED_MEMO_ENTRIES", 50_000)
    FEED_MEMO_MAX_AGE = env.int("FEED_MEMO_MAX_AGE", 300)
    # per-worker copies of each language's speaker facts, checked against a stamp on every
    # use (app/services/matching/cache.py); the lifetime bounds only writes from outside the app
    SPEAKER_CACHE_SECONDS = env.int("SPEAKER_CACHE_SECONDS", 600)
    # how long a worker keeps the maintenance switch (`flask maintenance on|off`) before it
    # asks the database again: the longest delay until every worker sees a switch
    MAINTENANCE_CACHE_SECONDS = env.int("MAINTENANCE_CACHE_SECONDS", 5)
    REQUEST_NOTE_RETENTION_MONTHS = env.int("REQUEST_NOTE_RETENTION_MONTHS", 12)
    APPLICANT_RETENTION_MONTHS = env.int("APPLICANT_RETENTION_MONTHS", 6)
    POLICE_CERT_DELETE_MONTHS = 3  # § 72a (5) SGB VIII: delete at the latest 3 months after leaving
    APPLY_RATE_LIMIT = env.str("APPLY_RATE_LIMIT", "5 per hour")

    # the largest request body (the list import takes files up to 10 MB,
    # app/pool/import_coordinator.py)
    MAX_CONTENT_LENGTH = env.int("MAX_CONTENT_LENGTH", 11 * 1024 * 1024)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = dt.timedelta(days=env.int("REMEMBER_DAYS", 30))
    # reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0 = none)
    TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", 0)
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MIN_SCORE = 3  # zxcvbn score 0-4; 3 = about 10^8 guesses or more
    WTF_CSRF_TIME_LIMIT = None
    # over HTTPS a form POST also needs a same-origin Referer (Flask-WTF's default, kept on
    # purpose); the pages send one because of their Referrer-Policy (app/web/security.py)
    WTF_CSRF_SSL_STRICT = True
    # Strict-Transport-Security on responses to HTTPS requests (0 = none); production only
    HSTS_MAX_AGE = 0

    # interpreting requests, matching and offers
    TRAVEL_BUFFER_MINUTES = env.int("TRAVEL_BUFFER_MINUTES", 30)
    MIN_LEAD_WORKING_DAYS = env.int("MIN_LEAD_WORKING_DAYS", 3)
    # the German state whose public holidays are no working days (ISO 3166-2 code without
    # "DE-": RP Rheinland-Pfalz, BE Berlin, BY Bayern, ...; docs/modes.md)
    HOLIDAY_STATE = env.str("HOLIDAY_STATE", "RP")
    # the town's school holidays, typed by the office from the state's published dates (the
    # `holidays` package has public holidays only): a weekly series with a date in them warns
    # before it is saved; "2026-12-21..2027-01-02,2027-03-29..2027-04-10" (empty: none)
    SCHOOL_HOLIDAYS = env.date_ranges("SCHOOL_HOLIDAYS")
    # request modes (docs/modes.md): the office's video room for video requests without a
    # link of their own; {token} becomes an unguessable token per appointment ("" = none)
    VIDEO_ROOM_URL = env.str("VIDEO_ROOM_URL")
    OFFER_TTL_HOURS = env.int("OFFER_TTL_HOURS", 48)
    ESCALATION_HOURS = env.int("ESCALATION_HOURS", 24)
    AUTO_OFFER_NEXT = env.bool("AUTO_OFFER_NEXT")
    AUTO_OFFER_COUNT = 2  # how many next candidates get an offer on escalation
    # open-request board: book the first eligible volunteer at once for every request
    BOARD_FIRST_COME = env.bool("BOARD_FIRST_COME")
    LATE_CANCELLATION_HOURS = 24
    MAX_RECURRING_WEEKS = 12
    # occasions the pool does not serve; "legal_consequences" stands for the form's checkbox
    REFUSED_OCCASIONS = env.list("REFUSED_OCCASIONS", ("legal_consequences",))
    # after the appointment (docs/follow-up.md): follow-up mails a day after,
    # signed links valid for N days, coordinators see unanswered ones after N days; assumed
    # completion is off unless a number of days is set; ratings and debriefs are deleted
    FOLLOW_UP_AFTER_HOURS = env.int("FOLLOW_UP_AFTER_HOURS", 24)
    FOLLOW_UP_WINDOW_DAYS = env.int("FOLLOW_UP_WINDOW_DAYS", 14)
    FOLLOW_UP_LINK_DAYS = env.int("FOLLOW_UP_LINK_DAYS", 14)
    FOLLOW_UP_ESCALATE_DAYS = env.int("FOLLOW_UP_ESCALATE_DAYS", 3)
    ASSUME_COMPLETION_AFTER_DAYS = env.optional_int("ASSUME_COMPLETION_AFTER_DAYS")
    FEEDBACK_RETENTION_DAYS = env.int("FEEDBACK_RETENTION_DAYS", 730)
    # week planner: CP-SAT time limit for "Plan vorschlagen"
    PLANNER_TIME_LIMIT_S = env.float("PLANNER_TIME_LIMIT_S", 5)
    # ... and the whole proposal's budget: matching a busy week leaves the solver only what
    # remains of it (never less than PLANNER_MIN_SOLVE_S): the page answers in about 8 s
    PLANNER_BUDGET_S = env.float("PLANNER_BUDGET_S", 7)
    PLANNER_MIN_SOLVE_S = env.float("PLANNER_MIN_SOLVE_S", 1)
    # dates of appointments, meetings, absences and planner weeks: today ± this many years
    # (app/services/core/bounds.py); birth-like dates are always 1900-2100
    APPOINTMENT_WINDOW_YEARS = env.int("APPOINTMENT_WINDOW_YEARS", 2)

    # town identity (docs/ui.md): header, footer, imprint, privacy and accessibility pages,
    # the participation certificate. No default: production refuses to start without them;
    # development and tests fill in the fictitious FICTIONAL_TOWN below.
    TOWN_NAME = env.str("TOWN_NAME")
    OFFICE_NAME = env.str("OFFICE_NAME")
    OFFICE_EMAIL = env.str("OFFICE_EMAIL")
    OFFICE_PHONE = env.str("OFFICE_PHONE")
    OFFICE_ADDRESS = env.str("OFFICE_ADDRESS")  # street, postcode and town on one line
    # a file under static/ (SVG or PNG); shown beside the town name, decorative (alt="")
    LOGO_FILE = env.str("LOGO_FILE", "img/town-logo.svg")
    IMPRINT_REPRESENTATIVE = env.str("IMPRINT_REPRESENTATIVE")
    IMPRINT_CONTENT_RESPONSIBLE = env.str("IMPRINT_CONTENT_RESPONSIBLE")
    IMPRINT_SUPERVISORY_AUTHORITY = env.str("IMPRINT_SUPERVISORY_AUTHORITY")
    IMPRINT_VAT_ID = env.str("IMPRINT_VAT_ID")
    PRIVACY_CONTACT = env.str("PRIVACY_CONTACT")
    PRIVACY_AUTHORITY = env.str("PRIVACY_AUTHORITY")
    # BITV 2.0 § 7: the statement names the arbitration body (Schlichtungsstelle)
    ARBITRATION_BODY_NAME = env.str(
        "ARBITRATION_BODY_NAME", "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz"
    )
    ARBITRATION_BODY_URL = env.str("ARBITRATION_BODY_URL", "https://www.schlichtungsstelle-bgg.de")
    ACCESSIBILITY_REVIEWED_ON = env.str("ACCESSIBILITY_REVIEWED_ON", "2026-12-01")
    ACCESSIBILITY_FEEDBACK_RATE_LIMIT = env.str("ACCESSIBILITY_FEEDBACK_RATE_LIMIT", "5 per hour")

    # logging and metrics (docs/operations.md, Logs and Monitor)
    # log lines: "json" (one object per line) or "text"; production defaults to json
    LOG_FORMAT = env.str("LOG_FORMAT", "text")
    LOG_LEVEL = env.str("LOG_LEVEL", "INFO")
    # /metrics: answered only with this bearer token or from these networks (CIDR, comma
    # separated; the client address after TRUSTED_PROXIES); neither set = refused to everybody
    METRICS_TOKEN = env.str("METRICS_TOKEN", secret=True)
    METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS")

    # upload bounds: what one list import may unpack and hold before it is refused with a 400
    # (app/services/core/bounds.py, app/services/pool/import_files.py, docs/import.md)
    IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", 10_000)
    IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", 200)
    IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", 500_000)
    IMPORT_MAX_SHARED_STRINGS = env.int("IMPORT_MAX_SHARED_STRINGS", 200_000)
    IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", 64)
    IMPORT_MAX_RATIO = env.int("IMPORT_MAX_RATIO", 200)
    IMPORT_MAX_SECONDS = env.float("IMPORT_MAX_SECONDS", 20.0)


# the settings production must be given (imprint, privacy and office contacts)
REQUIRED_TOWN_SETTINGS = (
    "TOWN_NAME", "OFFICE_NAME", "OFFICE_EMAIL", "OFFICE_PHONE", "OFFICE_ADDRESS",
    "IMPRINT_REPRESENTATIVE", "IMPRINT_CONTENT_RESPONSIBLE", "IMPRINT_SUPERVISORY_AUTHORITY",
    "PRIVACY_CONTACT", "PRIVACY_AUTHORITY",
)
# a fictitious town for development, the demo and tests, so a fresh install shows nothing real
FICTIONAL_TOWN = {
    "TOWN_NAME": "Musterstadt",
    "OFFICE_NAME": "Amt für Migration und Integration",
    "OFFICE_EMAIL": "integration@musterstadt.example",
    "OFFICE_PHONE": "+49 1234 567-0",
    "OFFICE_ADDRESS": "Rathausplatz 1, 12345 Musterstadt",
    "IMPRINT_REPRESENTATIVE": "Die Bürgermeisterin der Stadt Musterstadt, Erika Mustermann",
    "IMPRINT_CONTENT_RESPONSIBLE": "Max Mustermann, Amt für Migration und Integration",
    "IMPRINT_SUPERVISORY_AUTHORITY": "Kommunalaufsicht des Landkreises Musterland",
    "PRIVACY_CONTACT": "Behördliche Datenschutzbeauftragte der Stadt Musterstadt, "
                       "Rathausplatz 1, 12345 Musterstadt, datenschutz@musterstadt.example",
    "PRIVACY_AUTHORITY": "Landesbeauftragte für den Datenschutz Musterland",
}
LOCAL_BASE_URL = "http://127.0.0.1:5000"


def _local_defaults(cls: type[Config]) -> type[Config]:
    """Fill what production must be given with local values: the fictitious town, the local
    address of `make run`, an example bank account (a well-known test IBAN)."""
    for name, value in {**FICTIONAL_TOWN, "BASE_URL": LOCAL_BASE_URL,
                        "SEPA_DEBTOR_NAME": "Stadtkasse Musterstadt",
                        "SEPA_DEBTOR_IBAN": "DE89370400440532013000",
                        "SEPA_DEBTOR_BIC": "COBADEFFXXX"}.items():
        setattr(cls, name, getattr(cls, name) or value)
    return cls


@_local_defaults
class DevelopmentConfig(Config):
    CONFIG_NAME = "development"
    DEBUG = True


@_local_defaults
class TestingConfig(Config):
    CONFIG_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SECRET_KEY_FALLBACKS: list = []
    # the suite's own database (tests/conftest.py makes a fresh one per run)
    SQLALCHEMY_DATABASE_URI = database_url(env.str("TEST_DATABASE_URL", "sqlite://"))
    SERVER_NAME = "skm.test"
    BASE_URL = "http://skm.test"
    MAIL_PORT = 0  # tests point this at their own aiosmtpd server
    SCHEMA_CHECK_ON_START = False  # tests/ops/test_health.py asks for it
    LOGIN_RATE_LIMIT = "5 per minute"
    # tests change rows and poll at once; tests/calendar/test_feed_listener.py switches it on
    FEED_LISTEN = False
    SEPA_DEBTOR_NAME = "Stadtkasse Musterstadt"
    SEPA_DEBTOR_IBAN = "DE89370400440532013000"
    SEPA_DEBTOR_BIC = "COBADEFFXXX"


class ProductionConfig(Config):
    CONFIG_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_MAX_AGE = env.int("HSTS_MAX_AGE", 365 * 24 * 3600)
    LOG_FORMAT = env.str("LOG_FORMAT", "json")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def selected_config() -> type[Config]:
    """The config class FLASK_CONFIG names (development when unset)."""
    name = env.str("FLASK_CONFIG", "development")
    if name not in CONFIGS:
        raise ValueError(f"FLASK_CONFIG: {name!r} is not one of {', '.join(CONFIGS)}")
    return CONFIGS[name]


# --- checks -------------------------------------------------------------------------------


def _secret_problem(name: str, value: Any) -> str | None:
    raw = value.encode() if isinstance(value, str) else bytes(value or b"")
    if not raw:
        return f"{name} is not set (python -c 'import secrets; print(secrets.token_hex(32))')"
    if raw.decode(errors="replace") in EXAMPLE_SECRETS:
        return f"{name} is an example value from the documentation; generate a new one"
    if len(raw) < SECRET_MIN_BYTES:
        return (f"{name} is {len(raw)} bytes long; it must have at least {SECRET_MIN_BYTES} "
                "(python -c 'import secrets; print(secrets.token_hex(32))')")
    return None


def validate_production(config: Mapping[str, Any]) -> list[str]:
    """Return one line per reason the configuration cannot serve the public (empty: fine).

    Values from the environment that do not parse come first; they are refused in every mode.
    """
    problems = list(env.errors)
    if config.get("CONFIG_NAME") != "production":
        return problems
    problems.append(_secret_problem("SECRET_KEY", config.get("SECRET_KEY")) or "")
    for number, key in enumerate(config.get("SECRET_KEY_FALLBACKS") or (), start=1):
        problems.append(_secret_problem(f"SECRET_KEY_FALLBACKS (key {number})", key) or "")
    base_url = str(config.get("BASE_URL") or "")
    if not base_url:
        problems.append("BASE_URL is not set (the public https:// address of the app, used in "
                        "e-mail links and calendar feed URLs)")
    elif not base_url.startswith("https://"):
        problems.append(f"BASE_URL {base_url!r} does not start with https://")
    for name in REQUIRED_TOWN_SETTINGS:
        value = str(config.get(name) or "")
        if not value:
            problems.append(f"{name} is not set (town identity: imprint, privacy notice, "
                            "office contact)")
        elif value == FICTIONAL_TOWN[name]:
            problems.append(f"{name} is the fictitious example value {value!r}")
    return [line for line in problems if line]


MASK = "********"
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]+@")


def masked(name: str, value: Any) -> str:
    """Show a setting's value for `flask config check`: secrets hidden, URL passwords too."""
    read = env.reads.get(name)
    if read is not None and read.secret:
        if isinstance(value, list | tuple):
            return f"[{len(value)} key(s), {MASK}]"
        return MASK if value else "(not set)"
    if isinstance(value, str):
        return repr(_URL_PASSWORD.sub(rf"\1{MASK}@", value))
    return repr(value)


def effective(config: Mapping[str, Any]) -> list[str]:
    """Return `NAME = value` for every setting defined in this file, secrets masked."""
    names = sorted({n for cls in CONFIGS.values() for n in dir(cls) if n.isupper()})
    return [f"{name} = {masked(name, config.get(name))}" for name in names]
