"""Configuration classes; secrets and URLs come from the environment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-insecure-change-me"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'skm_pool.sqlite'}"
    ))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    TIMEZONE = os.environ.get("TIMEZONE", "Europe/Berlin")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "skm-pool@mib.example.de")
    MAIL_TIMEOUT = 10
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_INTERVAL_SECONDS = int(os.environ.get("OUTBOX_INTERVAL_SECONDS", "60"))
    # the scheduler (docs/operations.md): how often a standby asks for the lock, and how
    # often the holder checks that it still has it (besides the check before every job)
    SCHEDULER_POLL_SECONDS = float(os.environ.get("SCHEDULER_POLL_SECONDS", "30"))
    SCHEDULER_HEARTBEAT_SECONDS = float(os.environ.get("SCHEDULER_HEARTBEAT_SECONDS", "10"))
    # /readyz answers 503 when a due e-mail has waited longer than this (no sender running)
    READY_OUTBOX_MAX_AGE_MINUTES = int(os.environ.get("READY_OUTBOX_MAX_AGE_MINUTES", "30"))
    # every worker logs one line at start when the schema is not at the code's migration head
    SCHEMA_CHECK_ON_START = _bool("SCHEMA_CHECK_ON_START", True)

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("de", "en")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # memory:// counts per worker process; with several workers use redis://host:6379/n
    # (docs/security.md). A Redis outage falls back to per-worker counting, not to a 500.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "skm")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # with Redis: while it is down each worker lets an address through limit / this many times,
    # and hands its counts to Redis when it is back (app/ratelimit_storage.py); 0 = the
    # gunicorn worker count (GUNICORN_WORKERS, else 2 x CPU cores)
    RATELIMIT_FALLBACK_WORKERS = int(os.environ.get("RATELIMIT_FALLBACK_WORKERS", "0"))
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")

    INVITE_MAX_AGE = 7 * 24 * 3600  # seconds an invitation link stays valid
    RESET_MAX_AGE = 2 * 3600  # seconds a password-reset link stays valid
    POLICE_CERT_VALID_YEARS = int(os.environ.get("POLICE_CERT_VALID_YEARS", "5"))
    POLICE_CERT_MAX_AGE_DAYS = 92  # certificate at most 3 months old when inspected
    ITEMS_PER_PAGE = 20
    # the town's account the allowances are paid from (debtor of the SEPA transfer file)
    SEPA_DEBTOR_NAME = os.environ.get("SEPA_DEBTOR_NAME", "")
    SEPA_DEBTOR_IBAN = os.environ.get("SEPA_DEBTOR_IBAN", "")
    SEPA_DEBTOR_BIC = os.environ.get("SEPA_DEBTOR_BIC", "")
    # the largest amount (EUR, either sign) of one manual allowance correction, time or travel
    ALLOWANCE_MAX_CORRECTION_EUR = int(os.environ.get("ALLOWANCE_MAX_CORRECTION_EUR", "2000"))
    DASHBOARD_PER_PAGE = 50  # open requests per page of the coordinator's dashboard
    # per-worker memory for whole calendar feeds, keyed by owner and ETag
    # (app/services/calendar/feeds.py)
    FEED_CACHE_BYTES = int(os.environ.get("FEED_CACHE_BYTES", str(16 * 1024 * 1024)))
    # PostgreSQL: answer repeated polls from memory, kept current by LISTEN/NOTIFY
    # (app/services/calendar/feed_listener.py); the age bounds a silently dead connection
    FEED_LISTEN = os.environ.get("FEED_LISTEN", "1") == "1"
    FEED_MEMO_ENTRIES = int(os.environ.get("FEED_MEMO_ENTRIES", "50000"))
    FEED_MEMO_MAX_AGE = int(os.environ.get("FEED_MEMO_MAX_AGE", "300"))
    # per-worker copies of each language's speaker facts, checked against a stamp on every
    # use (app/services/matching/cache.py); the lifetime bounds only writes from outside the app
    SPEAKER_CACHE_SECONDS = int(os.environ.get("SPEAKER_CACHE_SECONDS", "600"))
    REQUEST_NOTE_RETENTION_MONTHS = int(os.environ.get("REQUEST_NOTE_RETENTION_MONTHS", "12"))
    APPLICANT_RETENTION_MONTHS = int(os.environ.get("APPLICANT_RETENTION_MONTHS", "6"))
    POLICE_CERT_DELETE_MONTHS = 3  # § 72a (5) SGB VIII: delete at the latest 3 months after leaving
    APPLY_RATE_LIMIT = os.environ.get("APPLY_RATE_LIMIT", "5 per hour")

    # the largest request body (the list import takes files up to 10 MB,
    # app/pool/import_coordinator.py)
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(11 * 1024 * 1024)))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = dt.timedelta(days=int(os.environ.get("REMEMBER_DAYS", "30")))
    # reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0 = none)
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MIN_SCORE = 3  # zxcvbn score 0-4; 3 = about 10^8 guesses or more
    WTF_CSRF_TIME_LIMIT = None
    # over HTTPS a form POST also needs a same-origin Referer (Flask-WTF's default, kept on
    # purpose); the pages send one because of their Referrer-Policy (app/web/security.py)
    WTF_CSRF_SSL_STRICT = True
    # Strict-Transport-Security on responses to HTTPS requests (0 = none); see ProductionConfig
    HSTS_MAX_AGE = 0

    # interpreting requests, matching and offers
    TRAVEL_BUFFER_MINUTES = int(os.environ.get("TRAVEL_BUFFER_MINUTES", "30"))
    MIN_LEAD_WORKING_DAYS = int(os.environ.get("MIN_LEAD_WORKING_DAYS", "3"))
    # the German state whose public holidays are no working days (ISO 3166-2 code without
    # "DE-": RP Rheinland-Pfalz, BE Berlin, BY Bayern, ...; docs/modes.md)
    HOLIDAY_STATE = os.environ.get("HOLIDAY_STATE", "RP")
    # request modes (docs/modes.md): the office's video room for video requests without a
    # link of their own; {token} becomes an unguessable token per appointment ("" = none)
    VIDEO_ROOM_URL = os.environ.get("VIDEO_ROOM_URL", "")
    OFFER_TTL_HOURS = int(os.environ.get("OFFER_TTL_HOURS", "48"))
    ESCALATION_HOURS = int(os.environ.get("ESCALATION_HOURS", "24"))
    AUTO_OFFER_NEXT = _bool("AUTO_OFFER_NEXT")
    AUTO_OFFER_COUNT = 2  # how many next candidates get an offer on escalation
    # open-request board: book the first eligible volunteer at once for every request
    BOARD_FIRST_COME = _bool("BOARD_FIRST_COME")
    LATE_CANCELLATION_HOURS = 24
    MAX_RECURRING_WEEKS = 12
    # occasions the pool does not serve; "legal_consequences" stands for the form's checkbox
    REFUSED_OCCASIONS = tuple(
        v for v in os.environ.get("REFUSED_OCCASIONS", "legal_consequences").split(",") if v
    )
    # after the appointment (docs/follow-up.md): follow-up mails a day after,
    # signed links valid for N days, coordinators see unanswered ones after N days; assumed
    # completion is off unless a number of days is set; ratings and debriefs are deleted
    FOLLOW_UP_AFTER_HOURS = int(os.environ.get("FOLLOW_UP_AFTER_HOURS", "24"))
    FOLLOW_UP_WINDOW_DAYS = int(os.environ.get("FOLLOW_UP_WINDOW_DAYS", "14"))
    FOLLOW_UP_LINK_DAYS = int(os.environ.get("FOLLOW_UP_LINK_DAYS", "14"))
    FOLLOW_UP_ESCALATE_DAYS = int(os.environ.get("FOLLOW_UP_ESCALATE_DAYS", "3"))
    ASSUME_COMPLETION_AFTER_DAYS = (int(os.environ["ASSUME_COMPLETION_AFTER_DAYS"])
                                    if os.environ.get("ASSUME_COMPLETION_AFTER_DAYS") else None)
    FEEDBACK_RETENTION_DAYS = int(os.environ.get("FEEDBACK_RETENTION_DAYS", "730"))
    # week planner: CP-SAT time limit for "Plan vorschlagen"
    PLANNER_TIME_LIMIT_S = float(os.environ.get("PLANNER_TIME_LIMIT_S", "5"))
    # ... and the whole proposal's budget: matching a busy week leaves the solver only what
    # remains of it (never less than PLANNER_MIN_SOLVE_S): the page answers in about 8 s
    PLANNER_BUDGET_S = float(os.environ.get("PLANNER_BUDGET_S", "7"))
    PLANNER_MIN_SOLVE_S = float(os.environ.get("PLANNER_MIN_SOLVE_S", "1"))
    # dates of appointments, meetings, absences and planner weeks: today ± this many years
    # (app/services/core/bounds.py); birth-like dates are always 1900-2100
    APPOINTMENT_WINDOW_YEARS = int(os.environ.get("APPOINTMENT_WINDOW_YEARS", "2"))

    # town identity (docs/ui.md): header, footer, imprint, privacy and accessibility pages;
    # the defaults describe a fictitious town so a fresh install shows nothing real
    TOWN_NAME = os.environ.get("TOWN_NAME", "Musterstadt")
    OFFICE_NAME = os.environ.get("OFFICE_NAME", "Amt für Migration und Integration")
    OFFICE_EMAIL = os.environ.get("OFFICE_EMAIL", "integration@musterstadt.example")
    OFFICE_PHONE = os.environ.get("OFFICE_PHONE", "+49 1234 567-0")
    OFFICE_ADDRESS = os.environ.get("OFFICE_ADDRESS", "Rathausplatz 1, 12345 Musterstadt")
    # a file under static/ (SVG or PNG); shown beside the town name, decorative (alt="")
    LOGO_FILE = os.environ.get("LOGO_FILE", "img/town-logo.svg")
    IMPRINT_REPRESENTATIVE = os.environ.get(
        "IMPRINT_REPRESENTATIVE", "Die Bürgermeisterin der Stadt Musterstadt, Erika Mustermann"
    )
    IMPRINT_CONTENT_RESPONSIBLE = os.environ.get(
        "IMPRINT_CONTENT_RESPONSIBLE", "Max Mustermann, Amt für Migration und Integration"
    )
    IMPRINT_SUPERVISORY_AUTHORITY = os.environ.get(
        "IMPRINT_SUPERVISORY_AUTHORITY", "Kommunalaufsicht des Landkreises Musterland"
    )
    IMPRINT_VAT_ID = os.environ.get("IMPRINT_VAT_ID", "")
    PRIVACY_CONTACT = os.environ.get(
        "PRIVACY_CONTACT",
        "Behördliche Datenschutzbeauftragte der Stadt Musterstadt, Rathausplatz 1, "
        "12345 Musterstadt, datenschutz@musterstadt.example",
    )
    PRIVACY_AUTHORITY = os.environ.get(
        "PRIVACY_AUTHORITY", "Landesbeauftragte für den Datenschutz Musterland"
    )
    # BITV 2.0 § 7: the statement names the arbitration body (Schlichtungsstelle)
    ARBITRATION_BODY_NAME = os.environ.get(
        "ARBITRATION_BODY_NAME", "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz"
    )
    ARBITRATION_BODY_URL = os.environ.get(
        "ARBITRATION_BODY_URL", "https://www.schlichtungsstelle-bgg.de"
    )
    ACCESSIBILITY_REVIEWED_ON = os.environ.get("ACCESSIBILITY_REVIEWED_ON", "2026-12-01")
    ACCESSIBILITY_FEEDBACK_RATE_LIMIT = os.environ.get(
        "ACCESSIBILITY_FEEDBACK_RATE_LIMIT", "5 per hour"
    )

    # upload bounds: what one list import may unpack and hold before it is refused with a 400
    # (app/services/core/bounds.py, app/services/pool/import_files.py, docs/import.md)
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))
    IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "200"))
    IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "500000"))
    IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS", "200000"))
    IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "64"))
    IMPORT_MAX_RATIO = int(os.environ.get("IMPORT_MAX_RATIO", "200"))
    IMPORT_MAX_SECONDS = float(os.environ.get("IMPORT_MAX_SECONDS", "20"))


class DevelopmentConfig(Config):
    DEBUG = True
    # an example account (a well-known test IBAN) so the demo can write a transfer file
    SEPA_DEBTOR_NAME = Config.SEPA_DEBTOR_NAME or "Stadtkasse Musterstadt"
    SEPA_DEBTOR_IBAN = Config.SEPA_DEBTOR_IBAN or "DE89370400440532013000"
    SEPA_DEBTOR_BIC = Config.SEPA_DEBTOR_BIC or "COBADEFFXXX"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
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
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
