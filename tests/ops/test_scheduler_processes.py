"""Two real scheduler processes against one database: every reminder goes out once."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Meeting, SentReminder
from app.services.core.tasks import deliver_due
from app.timeutil import now_utc
from tests.production import production_env

ROOT = Path(__file__).resolve().parents[2]


def test_two_scheduler_processes_send_each_reminder_once(app, smtp_server, make_mediator):
    for n in range(3):
        make_mediator(email=f"proc{n}@example.org")
    start = now_utc().replace(microsecond=0) + dt.timedelta(days=7, minutes=-30)
    db.session.add(Meeting(kind="exchange", title="Austauschtreffen", place="Rathaus",
                           starts_at=start, ends_at=start + dt.timedelta(hours=2)))
    db.session.commit()
    env = production_env(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                         MAIL_PORT=str(app.config["MAIL_PORT"]), MAIL_SERVER="127.0.0.1")
    cmd = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run", "--once"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    # each process either ran the jobs or found the other one holding the lock
    assert any(p.returncode == 0 for p in procs), outputs
    for p, out in zip(procs, outputs, strict=True):
        assert p.returncode == 0 or "holds the lock" in out, out
    deliver_due()
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == ["proc0@example.org", "proc1@example.org", "proc2@example.org"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == 3
