"""The shipped deployment files (deploy/): systemd units, nginx site, backup script, install.

The units are checked by structure (always) and by `systemd-analyze verify` where it exists;
the nginx site's limits against the app's configuration (the HTTPS browser test runs the file
itself); the backup script is run for real against this run's database (SQLite or
PostgreSQL) and must rotate.
"""

from __future__ import annotations

import configparser
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from config import ProductionConfig
from tests.production import production_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SERVICES = ("skm-pool-web.service", "skm-pool-scheduler.service", "skm-pool-backup.service")
HARDENING = {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
             "ProtectHome": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": ""}
SITE = DEPLOY / "nginx" / "skm-pool.conf"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text())
    return parser


@pytest.mark.parametrize("name", SERVICES)
def test_services_run_unprivileged_hardened_with_the_env_file(name):
    service = _unit(name)["Service"]
    assert service["User"] == "skm-pool" and service["Group"] == "skm-pool"
    assert service["EnvironmentFile"] == "/etc/skm-pool/env"
    assert "FLASK_CONFIG=production" in service["Environment"]
    assert service["WorkingDirectory"] == "/srv/skm-pool"
    for key, value in HARDENING.items():
        assert service.get(key) == value, (name, key)
    assert service["ReadWritePaths"].split()  # everything else is read-only
    if name != "skm-pool-backup.service":
        assert service["Restart"] == "always"
        assert _unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_each_unit_starts_what_the_docs_name():
    assert _unit(SERVICES[0])["Service"]["ExecStart"] == \
        "/srv/skm-pool/.venv/bin/gunicorn -c gunicorn.conf.py"
    assert _unit(SERVICES[1])["Service"]["ExecStart"] == \
        "/srv/skm-pool/.venv/bin/flask --app wsgi scheduler run"
    backup = _unit(SERVICES[2])["Service"]
    assert backup["Type"] == "oneshot" and backup["ExecStart"] == "/srv/skm-pool/deploy/backup.sh"
    timer = _unit("skm-pool-backup.timer")
    assert timer["Timer"]["Unit"] == "skm-pool-backup.service"
    assert timer["Timer"]["Persistent"] == "true" and timer["Timer"]["OnCalendar"]


def _units_here(tmp_path: Path) -> list[str]:
    """The units with /srv/skm-pool pointing at this checkout (ExecStart must exist)."""
    names = []
    for unit in sorted(UNITS.iterdir()):
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/skm-pool", str(ROOT)))
        names.append(str(tmp_path / unit.name))
    return names


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verify_finds_nothing(tmp_path):
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *_units_here(tmp_path)],  # noqa: S603,S607
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys are only warnings


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_services_are_rated_ok_by_systemd_analyze_security(tmp_path):
    names = _units_here(tmp_path)
    for service in (n for n in names if n.endswith(".service")):
        result = subprocess.run(["systemd-analyze", "security", "--offline=true", service],  # noqa: S603,S607
                                capture_output=True, text=True, timeout=120)
        if "--offline" in result.stderr:
            pytest.skip("this systemd-analyze has no --offline")
        exposure = re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)
        assert exposure, result.stdout[-2000:] + result.stderr
        assert float(exposure[1]) <= 4.0, (service, exposure[0])


# --- nginx ---------------------------------------------------------------------------------


def _size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[unit.lower()]


def test_nginx_upload_limit_matches_the_apps():
    """nginx refuses a larger body with its own 413 before the app could say why: the limits
    must agree (the app's 413 page explains the 10 MB import limit)."""
    site = SITE.read_text()
    (limit,) = re.findall(r"^\s*client_max_body_size\s+(\S+);", site, re.M)
    assert _size(limit) == ProductionConfig.MAX_CONTENT_LENGTH


def test_nginx_sends_no_version_and_keeps_feeds_out_of_the_log():
    site = SITE.read_text()
    servers = site.split("server {")[1:]
    assert len(servers) == 2
    assert all(re.search(r"^\s*server_tokens off;", block, re.M) for block in servers)
    calendar = re.search(r"location ~ \^/calendar/.*?\{(.*?)\n    \}", site, re.S)
    assert calendar and "access_log off;" in calendar[1]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in calendar[1]
    assert "Strict-Transport-Security" in servers[1]


# --- backup script ---------------------------------------------------------------------------


def _env(url: str, folder: Path, keep: int) -> dict:
    return production_env(DATABASE_URL=url, BACKUP_DIR=str(folder), BACKUP_KEEP=str(keep),
                          APP_DIR=str(ROOT), FLASK=str(Path(sys.executable).parent / "flask"))


def _run(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEPLOY / "backup.sh")], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=300)


def test_backup_script_dumps_this_database_and_rotates(app, make_user, tmp_path):
    from app.extensions import db

    make_user("coordinator", email="backup@example.org")
    db.session.commit()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    kind = "dump" if url.startswith("postgresql") else "sqlite"
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"skm_pool-2020010{day}-020000.{kind}" for day in (1, 2, 3)]
    for path in old:
        path.write_text("an old backup")
    other = [folder / "pre-restore-20200101-000000.sqlite", folder / "notes.txt",
             folder / f"skm_pool-20200104-020000.{'sqlite' if kind == 'dump' else 'dump'}"]
    for path in other:
        path.write_text("not a backup of this kind")

    result = _run(_env(url, folder, keep=2))
    assert result.returncode == 0, result.stdout + result.stderr
    made = sorted(folder.glob(f"skm_pool-2*.{kind}"))
    assert len(made) == 2 and made[0] == old[-1], made  # the newest old one and the new one
    new = made[1]
    assert "Removed old backup skm_pool-20200101" in result.stdout
    assert all(path.exists() for path in other)
    if kind == "sqlite":
        with sqlite3.connect(new) as conn:
            emails = [row[0] for row in conn.execute("SELECT email FROM app_user")]
    else:
        listing = subprocess.run(["pg_restore", "--data-only", "--table=app_user", "-f", "-",  # noqa: S607
                                  str(new)], capture_output=True, text=True, check=True)
        emails = listing.stdout
    assert "backup@example.org" in emails
    assert oct(new.stat().st_mode & 0o777) == "0o600"


def test_a_failed_backup_exits_non_zero_and_deletes_nothing(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        broken = re.sub(r"/[^/]+$", "/skm_no_such_database", url)
        kind = "dump"
    else:
        broken = f"sqlite:///{tmp_path / 'missing' / 'nothing.sqlite'}"
        kind = "sqlite"
    folder = tmp_path / "backups"
    folder.mkdir()
    old = [folder / f"skm_pool-2020010{day}-020000.{kind}" for day in (1, 2, 3)]
    for path in old:
        path.write_text("an old backup")
    result = _run(_env(broken, folder, keep=1))
    assert result.returncode != 0
    assert sorted(folder.iterdir()) == old  # no partial file, no rotation


def test_backup_script_refuses_a_bad_keep(tmp_path):
    result = _run(_env("sqlite:///x.sqlite", tmp_path, keep=0))
    assert result.returncode == 2 and "BACKUP_KEEP" in result.stderr


# --- production install ----------------------------------------------------------------------

DEV_ONLY = ("pytest", "playwright", "ruff", "hypothesis", "import-linter", "pip-audit",
            "aiosmtpd", "axe-playwright-python")


def test_install_prod_installs_only_the_runtime_requirements():
    runtime = {line.split("==")[0].split("[")[0].lower()
               for line in (ROOT / "requirements.txt").read_text().splitlines()
               if line and not line.startswith("#")}
    assert not runtime & set(DEV_ONLY), runtime & set(DEV_ONLY)
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^install-prod:.*?\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "make install-prod is missing"
    assert "-r requirements.txt" in recipe[1] and "requirements-dev" not in recipe[1]
