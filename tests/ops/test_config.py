"""The one configuration mechanism: every setting read in config.py and listed in
.env.example, typed values refused one line each, production refused until complete,
`flask config check`, and the town identity on the pages instead of written into templates."""

from __future__ import annotations

import ast
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

import config
from app import ConfigError, create_app
from config import Env, validate_production
from tests.production import SECRET, TOWN, ProductionTestConfig

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ENV_KEY = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def _env_reads() -> set[str]:
    """Every name config.py hands to the reader: `env.<type>("NAME", ...)`."""
    names = set()
    for node in ast.walk(ast.parse((ROOT / "config.py").read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "env"
                and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(node.args[0].value)
    return names


def test_env_example_lists_every_setting_config_reads():
    documented = set(ENV_KEY.findall((ROOT / ".env.example").read_text()))
    reads = _env_reads()
    assert len(reads) > 70
    assert set(config.env.reads) <= reads  # the scan sees what the reader recorded
    assert sorted(reads - documented) == []


def test_env_example_gives_every_setting_a_comment():
    uncommented = [line for line in (ROOT / ".env.example").read_text().splitlines()
                   if ENV_KEY.match(line) and "#" not in line.partition("=")[2]]
    assert uncommented == []


def test_config_reads_the_environment_only_through_the_reader():
    source = (ROOT / "config.py").read_text()
    outside_reader = source.split("env = Env()", 1)[1]
    assert "os.environ" not in outside_reader and "os.getenv" not in outside_reader


def test_no_setting_default_outside_config():
    """`config.get("X", default)` would hide a second default for X in the code."""
    pattern = re.compile(r"config\.get\(\s*\"[A-Z_]+\"\s*,")
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in (ROOT / "app").rglob("*.py")
                 for number, line in enumerate(path.read_text().splitlines(), start=1)
                 if pattern.search(line)]
    assert offenders == []


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    import os

    base = {k: v for k, v in os.environ.items() if k not in config.env.reads}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},  # noqa: S603
                          capture_output=True, text=True, timeout=60, check=False)


def test_documented_settings_are_read_from_the_environment():
    settings = {"ASSIGNMENT_REMINDER_HOURS": "36", "MEETING_REMINDER_DAYS": "14,2",
                "DOCUMENT_WARNING_DAYS": "30", "DIGEST_HOUR": "6", "REMINDER_GRACE_HOURS": "3",
                "IMPORT_FOLDER": "/srv/skm/imports", "OUTBOX_MAX_ATTEMPTS": "5",
                "FEED_LISTEN": "false", "MAIL_TIMEOUT": "20"}
    done = _python("import json, config; c = config.DevelopmentConfig; print(json.dumps("
                   f"{{n: getattr(c, n) for n in {sorted(settings)!r}}}))", **settings)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "ASSIGNMENT_REMINDER_HOURS": 36, "MEETING_REMINDER_DAYS": [14, 2],
        "DOCUMENT_WARNING_DAYS": 30, "DIGEST_HOUR": 6, "REMINDER_GRACE_HOURS": 3,
        "IMPORT_FOLDER": "/srv/skm/imports", "OUTBOX_MAX_ATTEMPTS": 5, "FEED_LISTEN": False,
        "MAIL_TIMEOUT": 20}


def test_reader_types_and_errors():
    env = Env(environ={"A": "12", "B": "yes", "C": "x, y,", "D": "abc", "E": "maybe", "F": " "})
    assert env.int("A", 1) == 12 and env.bool("B") is True and env.list("C") == ("x", "y")
    assert env.int("D", 7) == 7 and env.bool("E", True) is True  # default, and an error each
    assert env.str("F", "default") == "default"  # blank counts as unset
    assert env.optional_int("MISSING") is None
    assert env.errors == ["D: 'abc' is not a valid whole number",
                          "E: 'maybe' is not a valid yes/no value (1/0, true/false, yes/no, on/off)"]
    assert Env(environ={"S": "oops"}).int("S", 1, secret=True) == 1
    secret_env = Env(environ={"S": "oops"})
    secret_env.int("S", 1, secret=True)
    assert "oops" not in secret_env.errors[0]


def _complete(**changes) -> dict:
    return {"CONFIG_NAME": "production", "SECRET_KEY": SECRET, "SECRET_KEY_FALLBACKS": [],
            "BASE_URL": "https://skm.example", **TOWN, **changes}


def test_validate_production_one_line_per_problem():
    assert validate_production(_complete()) == []
    assert validate_production(_complete(SECRET_KEY="x")) == [
        "SECRET_KEY is 1 bytes long; it must have at least 32 "
        "(python -c 'import secrets; print(secrets.token_hex(32))')"]
    for example in ("change-me", "dev-insecure-change-me"):
        (line,) = validate_production(_complete(SECRET_KEY=example))
        assert line.startswith("SECRET_KEY is an example value")
    (line,) = validate_production(_complete(SECRET_KEY_FALLBACKS=[SECRET, "short"]))
    assert line.startswith("SECRET_KEY_FALLBACKS (key 2) is 5 bytes long")
    assert validate_production(_complete(BASE_URL="http://127.0.0.1:5000")) == [
        "BASE_URL 'http://127.0.0.1:5000' does not start with https://"]
    assert validate_production(_complete(BASE_URL=""))[0].startswith("BASE_URL is not set")
    lines = validate_production(_complete(TOWN_NAME="", PRIVACY_CONTACT=""))
    assert [line.split()[0] for line in lines] == ["TOWN_NAME", "PRIVACY_CONTACT"]
    (line,) = validate_production(_complete(TOWN_NAME="Musterstadt"))
    assert line == "TOWN_NAME is the fictitious example value 'Musterstadt'"
    # development and tests are not held to production's rules
    assert validate_production({**_complete(SECRET_KEY="x"), "CONFIG_NAME": "development"}) == []


def test_create_app_refuses_production_and_logs_each_problem(caplog):
    class Incomplete(ProductionTestConfig):
        SECRET_KEY = "change-me"
        BASE_URL = "http://127.0.0.1:5000"
        OFFICE_ADDRESS = ""

    with caplog.at_level(logging.ERROR, logger="app.config"), \
            pytest.raises(ConfigError) as refused:
        create_app(Incomplete)
    lines = [r.getMessage() for r in caplog.records if r.name == "app.config"]
    assert len(lines) == 3 and all(line.startswith("configuration: ") for line in lines)
    assert "SECRET_KEY is an example value" in str(refused.value)
    assert create_app(ProductionTestConfig).config["BASE_URL"] == "https://skm.example"


def _config_check(tmp_path, env_file: str, **env: str) -> subprocess.CompletedProcess:
    import os

    dotenv = tmp_path / "settings.env"
    dotenv.write_text(env_file)
    base = {k: v for k, v in os.environ.items() if k not in config.env.reads}
    return subprocess.run(  # noqa: S603
        [str(BIN / "flask"), "--app", "wsgi", "--env-file", str(dotenv), "config", "check"],
        cwd=ROOT, env={**base, "SCHEMA_CHECK_ON_START": "false", **env},
        capture_output=True, text=True, timeout=120, check=False)


def test_config_check_refuses_the_example_env_in_production(tmp_path):
    done = _config_check(tmp_path, (ROOT / ".env.example").read_text(),
                         FLASK_CONFIG="production")
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0] == ("error: SECRET_KEY is an example value from the documentation; "
                         "generate a new one")
    assert errors[1].startswith("error: BASE_URL is not set")
    assert [line.split()[1] for line in errors[2:]] == list(config.REQUIRED_TOWN_SETTINGS)
    assert done.stdout == ""


def test_config_check_passes_a_complete_production_env_and_masks_secrets(tmp_path):
    complete = "\n".join([
        "FLASK_CONFIG=production", f"SECRET_KEY={SECRET}", f"SECRET_KEY_FALLBACKS={SECRET}-old",
        "BASE_URL=https://skm.example", "MAIL_PASSWORD=smtp-password-1",
        f"DATABASE_URL=sqlite:///{tmp_path / 'skm.sqlite'}",
        "RATELIMIT_STORAGE_URI=redis://:redis-password-2@127.0.0.1:6379/0",
        *(f"{key}={value}" for key, value in TOWN.items())])
    done = _config_check(tmp_path, complete)
    assert done.returncode == 0, done.stderr
    assert "ok: the production configuration is complete." in done.stdout
    assert "TOWN_NAME = 'Teststadt'" in done.stdout
    assert "SECRET_KEY = ********" in done.stdout
    assert "SECRET_KEY_FALLBACKS = [1 key(s), ********]" in done.stdout
    assert "RATELIMIT_STORAGE_URI = 'redis://:********@127.0.0.1:6379/0'" in done.stdout
    for secret in (SECRET, "smtp-password-1", "redis-password-2"):
        assert secret not in done.stdout


def test_config_check_refuses_values_that_do_not_parse(tmp_path):
    done = _config_check(tmp_path, "MAIL_PORT=twenty-five\nFEED_LISTEN=perhaps\n")
    assert done.returncode == 1
    assert "error: MAIL_PORT: 'twenty-five' is not a valid whole number" in done.stderr
    assert "error: FEED_LISTEN: 'perhaps' is not a valid yes/no value" in done.stderr


# --- town identity ----------------------------------------------------------------------------

POSTCODE_TOWN = re.compile(r"\b\d{5}\s+[A-ZÄÖÜ][a-zäöüß]+|Rheinstadt|Musterstadt|Rathausplatz")


def test_no_template_names_a_town_or_an_address():
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)}"
                 for path in (ROOT / "templates").rglob("*")
                 if path.is_file()
                 for match in POSTCODE_TOWN.finditer(path.read_text())]
    assert offenders == []


@pytest.fixture()
def neustadt(app, monkeypatch):
    for key, value in {"TOWN_NAME": "Neustadt am Testbach", "OFFICE_NAME": "Integrationsbüro",
                       "OFFICE_ADDRESS": "Brunnengasse 3, 54321 Neustadt am Testbach",
                       "PRIVACY_CONTACT": "dsb@neustadt.example"}.items():
        monkeypatch.setitem(app.config, key, value)


def test_privacy_notice_shows_the_configured_town(client, neustadt):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Neustadt am Testbach" in html and "Brunnengasse 3, 54321" in html
    assert "dsb@neustadt.example" in html
    assert "Rheinstadt" not in html and "55218" not in html


def test_certificate_shows_the_configured_town(client, neustadt, login, make_user,
                                                make_mediator):
    person = make_mediator(first_name="Selam", last_name="Tekle", gender="female")
    login(make_user("coordinator"))
    html = client.get(f"/pool/mediators/{person.id}/certificate").get_data(as_text=True)
    assert "Stadt Neustadt am Testbach" in html and "Integrationsbüro" in html
    assert "Brunnengasse 3, 54321 Neustadt am Testbach" in html
    assert "Neustadt am Testbach, den" in html
    assert "Rheinstadt" not in html and "55218" not in html


def test_unknown_flask_config_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("FLASK_CONFIG", "prod")
    with pytest.raises(ConfigError, match="FLASK_CONFIG: 'prod' is not one of development, "
                                          "testing, production"):
        create_app()
