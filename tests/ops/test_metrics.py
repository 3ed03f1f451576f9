"""/metrics: request, outbox, scheduler and request figures in Prometheus' text format, for a
bearer token or an allowed network only (app/web/metrics.py; docs/operations.md, Monitor)."""

from __future__ import annotations

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import scheduler
from app.extensions import db
from app.models import OutboxMessage
from app.services.core import scheduler_runs
from tests.factories import make_request

TOKEN = "m3tr1cs-t0ken-for-tests"
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _samples(text: str) -> dict[tuple, float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _scrape(client, **headers):
    return client.get("/metrics", headers=headers)


@pytest.fixture()
def guarded(app):
    app.config.update(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=())
    yield app
    app.config.update(METRICS_TOKEN="", METRICS_ALLOWED_NETWORKS=())


def test_refused_without_the_token_or_from_a_foreign_network(guarded, client):
    assert _scrape(client).status_code == 404
    assert _scrape(client, Authorization="Bearer wrong").status_code == 404
    assert _scrape(client, Authorization=TOKEN).status_code == 404  # not a bearer header
    guarded.config["METRICS_ALLOWED_NETWORKS"] = ("10.0.0.0/8", "not-a-network")
    assert _scrape(client).status_code == 404  # the test client is 127.0.0.1
    guarded.config["METRICS_ALLOWED_NETWORKS"] = ("10.0.0.0/8", "127.0.0.0/8")
    assert _scrape(client).status_code == 200
    guarded.config["METRICS_TOKEN"] = ""
    guarded.config["METRICS_ALLOWED_NETWORKS"] = ()
    assert _scrape(client).status_code == 404  # nothing configured: nobody


def test_a_spoofed_forwarded_address_does_not_open_it():
    from app import create_app
    from config import TestingConfig

    class Proxied(TestingConfig):
        TRUSTED_PROXIES = 1
        METRICS_ALLOWED_NETWORKS = ("10.1.0.0/16",)

    client = create_app(Proxied).test_client()
    # one trusted proxy: the client address is the last X-Forwarded-For entry
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3, 192.0.2.9"},
                      environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404


def test_requests_outbox_scheduler_and_open_requests(guarded, client, clock,
                                                      make_institution):
    clock(NOW)
    before = _samples(_scrape(client, Authorization=f"Bearer {TOKEN}").get_data(as_text=True))
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    client.get("/no/such/page")
    db.session.add_all([
        OutboxMessage(recipient="a@example.org", subject="s", body_text="b", status="pending",
                      created_at=NOW - dt.timedelta(minutes=50),
                      next_attempt_at=NOW - dt.timedelta(minutes=20)),
        OutboxMessage(recipient="b@example.org", subject="s", body_text="b", status="dead",
                      created_at=NOW - dt.timedelta(hours=3), next_attempt_at=NOW),
    ])
    make_request(make_institution(), language="zza")  # nobody speaks it: no candidate
    db.session.commit()
    scheduler_runs.record("outbox.deliver", ok=True, now=NOW - dt.timedelta(minutes=1))
    scheduler_runs.record("requests.tick", ok=False, now=NOW - dt.timedelta(minutes=2))
    scheduler_runs.record(scheduler_runs.HEARTBEAT, ok=True, now=NOW - dt.timedelta(seconds=5))

    response = _scrape(client, Authorization=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    after = _samples(response.get_data(as_text=True))
    key = ("skm_http_requests_total",
           (("endpoint", "site.healthz"), ("method", "GET"), ("status", "200")))
    assert after[key] - before.get(key, 0) == 3
    unmatched = ("skm_http_requests_total",
                 (("endpoint", "unmatched"), ("method", "GET"), ("status", "404")))
    assert after[unmatched] - before.get(unmatched, 0) == 1
    assert after[("skm_http_request_duration_seconds_count",
                  (("endpoint", "site.healthz"),))] >= 3
    assert after[("skm_database_up", ())] == 1
    assert after[("skm_outbox_messages", (("status", "pending"),))] == 1
    assert after[("skm_outbox_messages", (("status", "dead"),))] == 1
    assert after[("skm_outbox_oldest_pending_age_seconds", ())] == 50 * 60
    assert after[("skm_outbox_oldest_due_age_seconds", ())] == 20 * 60
    assert after[("skm_open_requests", ())] == 1
    assert after[("skm_open_requests_without_candidate", ())] == 1
    assert after[("skm_scheduler_heartbeat_timestamp_seconds", ())] == NOW.timestamp() - 5
    assert after[("skm_scheduler_job_last_success_timestamp_seconds",
                  (("job", "outbox.deliver"),))] == NOW.timestamp() - 60
    assert after[("skm_scheduler_job_last_failure_timestamp_seconds",
                  (("job", "requests.tick"),))] == NOW.timestamp() - 120
    assert ("skm_db_pool_checked_out", ()) in after


def test_the_scheduler_records_its_runs_and_heartbeat(app, clock):
    clock(NOW)
    scheduler.run_job(app, scheduler.JOBS[0])
    scheduler.beat(app, force=True)
    runs = {row.job: row for row in scheduler_runs.last_runs(db.session)}
    assert runs["outbox.deliver"].last_ok_at == NOW and runs["outbox.deliver"].holder
    assert runs[scheduler_runs.HEARTBEAT].last_run_at == NOW
