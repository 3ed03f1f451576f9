"""Production logs and metrics under gunicorn: JSON lines, a request id on each, no secret
token anywhere; /metrics adds up the workers and is refused without its token.

Runs `gunicorn -c gunicorn.conf.py` (production, JSON logs, gunicorn's own access log to a
file, stdout and stderr captured to files), walks every kind of token link (invitation,
password reset, offer answer and its .ics, follow-up report and the institution's follow-up,
the calendar feed; GET and a POST each, also inside a `next=` parameter and a Referer), then
greps every byte gunicorn and the app wrote for the tokens (docs/operations.md, Logs). The
scheduler runs once before (`flask scheduler run --once`) and /metrics is scraped after the
walk (PROMETHEUS_MULTIPROC_DIR, two workers; docs/operations.md, Monitor).
"""

from __future__ import annotations

import http.client
import json
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.net import free_port
from tests.production import ProductionTestConfig, production_env

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EMAIL = "koordination@example.org"
METRICS_TOKEN = secrets.token_hex(16)


def _request(port: int, method: str, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def _tokens(env: dict) -> dict[str, str]:
    """Make one real token of each kind, signed with gunicorn's SECRET_KEY."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.models import FollowUp, Offer, User
    from app.services.booking import follow_up, offers
    from app.services.calendar import feeds
    from app.services.core import accounts
    class Same(ProductionTestConfig):
        SECRET_KEY = env["SECRET_KEY"]
        SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
        BASE_URL = env["BASE_URL"]
        SCHEMA_CHECK_ON_START = False

    app = create_app(Same)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        feed = feeds.rotate(user)
        db.session.commit()
        tokens = {
            "invite": accounts.make_token(user, "invite"),
            "reset": accounts.make_token(user, "reset"),
            "feed": feed,
            "offer": offers.make_token(Offer(id=7, mediator_id=3), "accept"),
            "report": follow_up.make_token(FollowUp(id=5, audience="mediator", assignment_id=4)),
            "follow-up": follow_up.make_token(
                FollowUp(id=6, audience="institution", assignment_id=4)),
        }
        db.engine.dispose()
    return tokens


def _paths(tokens: dict[str, str]) -> list[str]:
    return [f"/auth/invite/{tokens['invite']}", f"/auth/reset/{tokens['reset']}",
            f"/calendar/{tokens['feed']}.ics", f"/me/offers/answer/{tokens['offer']}",
            f"/me/offers/answer/{tokens['offer']}/appointment.ics",
            f"/me/report/{tokens['report']}", f"/requests/follow-up/{tokens['follow-up']}"]


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """Start gunicorn, walk every token link, stop it; return tokens, logs and responses."""
    tmp = tmp_path_factory.mktemp("logs")
    port = free_port()
    env = production_env(SECRET_KEY=secrets.token_hex(32),
               DATABASE_URL=f"sqlite:///{tmp / 'skm.sqlite'}",
               BASE_URL=f"https://127.0.0.1:{port}", TRUSTED_PROXIES="0",
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2",
               GUNICORN_ACCESS_LOG=str(tmp / "access.log"), LOG_LEVEL="INFO",
               PROMETHEUS_MULTIPROC_DIR=str(tmp / "prom"), METRICS_TOKEN=METRICS_TOKEN,
               METRICS_ALLOWED_NETWORKS="")
    env.pop("LOG_FORMAT", None)  # production's default: JSON
    for args in (("db", "upgrade"), ("users", "create", "--role", "coordinator", "--email",
                                     EMAIL, "--name", "K", "--password", "Linde-Kanal-77x"),
                 ("scheduler", "run", "--once")):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,  # noqa: S603
                       check=True, capture_output=True, timeout=300)
    tokens = _tokens(env)
    out, err = tmp / "stdout.log", tmp / "stderr.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],  # noqa: S603
                                cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    responses = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {err.read_text()[-3000:]}")
            time.sleep(0.2)
        for path in _paths(tokens):
            for method in ("GET", "POST"):
                responses.append((path, _request(port, method, path)))
            responses.append((path, _request(
                port, "GET", "/auth/login?next=" + quote(path, safe=""),
                {"Referer": f"http://127.0.0.1:{port}{path}"})))
        # a client's own X-Request-ID is not believed without a trusted proxy
        responses.append(("spoof", _request(port, "GET", "/auth/login",
                                            {"X-Request-ID": "spoofed-id-1234"})))
        refused = [_request(port, "GET", "/metrics", headers).status for headers in (
            {}, {"Authorization": "Bearer wrong"}, {"X-Forwarded-For": "127.0.0.1"})]
        metrics = [_scrape(port) for _ in range(4)]  # both workers answer some
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    logs = {name: (tmp / name).read_text() for name in ("stdout.log", "stderr.log", "access.log")}
    return {"tokens": tokens, "logs": logs, "responses": responses, "refused": refused,
            "metrics": metrics, "walked": len(responses)}


def _scrape(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        response = conn.getresponse()
        assert response.status == 200
        return response.read().decode()
    finally:
        conn.close()


def test_no_token_of_any_link_reaches_any_log(walked):
    everything = "\n".join(walked["logs"].values())
    assert "/auth/reset/***" in walked["logs"]["access.log"]
    for kind, token in walked["tokens"].items():
        for form in {token, quote(token, safe=""), token.split(".")[-1]}:
            assert form not in everything, f"the {kind} token is in the logs"


def test_every_line_is_json_with_the_request_id(walked):
    ids = {response.getheader("X-Request-ID") for _path, response in walked["responses"]}
    assert None not in ids and len(ids) == len(walked["responses"])  # one id per request
    assert "spoofed-id-1234" not in ids
    seen = set()
    for name, text in walked["logs"].items():
        for line in text.splitlines():
            record = json.loads(line)  # every line, gunicorn's own too
            assert {"timestamp", "level", "logger", "message", "request_id"} <= record.keys()
            if record["request_id"] is not None:
                seen.add(record["request_id"])
            if name == "access.log":
                assert record["request_id"] is not None and record["status"] is not None
    assert ids <= seen  # every request's access line (and app lines) carry its id
    csrf = [json.loads(line) for line in walked["logs"]["stderr.log"].splitlines()
            if "The CSRF token is missing" in line]
    assert csrf and all(record["request_id"] in ids for record in csrf)


def test_metrics_after_the_walk_show_requests_outbox_and_scheduler(walked):
    from prometheus_client.parser import text_string_to_metric_families

    assert walked["refused"] == [404, 404, 404]
    for text in walked["metrics"]:  # whichever worker answers, it adds up both
        samples = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples.setdefault(sample.name, []).append(sample)
        counted = sum(s.value for s in samples["skm_http_requests_total"]
                      if s.labels["endpoint"] != "site.metrics")
        assert counted >= walked["walked"]  # every walked request, in whichever worker
        assert {s.labels["endpoint"] for s in samples["skm_http_requests_total"]} >= {
            "accounts.reset_password", "calendar.feed", "booking.answer_offer"}
        assert "skm_http_request_duration_seconds_bucket" in samples
        assert {s.labels["status"] for s in samples["skm_outbox_messages"]} == {"pending", "dead"}
        assert "skm_outbox_oldest_due_age_seconds" in samples
        assert samples["skm_scheduler_heartbeat_timestamp_seconds"][0].value > time.time() - 600
        jobs = {s.labels["job"] for s in samples["skm_scheduler_job_last_run_timestamp_seconds"]}
        assert {"outbox.deliver", "requests.tick"} <= jobs
        assert "skm_db_pool_checked_out" in samples
