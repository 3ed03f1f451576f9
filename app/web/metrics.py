"""Prometheus metrics: `/metrics` (docs/operations.md, Monitor).

Per request: a counter by endpoint, method and status and a latency histogram by endpoint
(the endpoint, never the path: paths hold tokens and ids). Per process: database connections
checked out of the pool. At scrape time, from the database (`DatabaseCollector`): the outbox
(queued, dead, age of the oldest), the scheduler's heartbeat and each job's last run, open
requests and those without a candidate.

Under gunicorn every worker counts for itself; with PROMETHEUS_MULTIPROC_DIR set,
prometheus_client keeps the values in files there and a scrape of any worker adds up all
workers (gunicorn.conf.py empties the directory at start and marks exited workers dead).

`/metrics` answers only with `Authorization: Bearer <METRICS_TOKEN>` or to a client in
METRICS_ALLOWED_NETWORKS (the address after TRUSTED_PROXIES); anybody else gets a 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event

from app.extensions import db
from app.models import InterpretingRequest
from app.services.booking import request_filters
from app.services.core import ops_metrics
from app.timeutil import now_utc

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter("skm_http_requests_total", "HTTP requests answered",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("skm_http_request_duration_seconds", "Time to answer a request",
                    ["endpoint"], buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
POOL_CHECKED_OUT = Gauge("skm_db_pool_checked_out", "Database connections in use (all workers)",
                         multiprocess_mode="livesum")
POOL_SIZE = Gauge("skm_db_pool_size", "Database connections the pools keep (all workers)",
                  multiprocess_mode="livesum")


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def register_metrics(app: Flask) -> None:
    """Count every request and follow the database pool of this process."""

    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        endpoint = request.endpoint or "unmatched"  # 404s: one label, not one per path
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        if started is not None:
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        return response

    with app.app_context():
        _follow_pool(db.engine)


def _follow_pool(engine) -> None:  # noqa: ANN001
    pool = engine.pool
    if getattr(engine, "_skm_metrics", False):
        return
    engine._skm_metrics = True
    size = getattr(pool, "size", None)
    if callable(size):
        POOL_SIZE.set(size())
    event.listen(engine, "checkout", lambda *_args: POOL_CHECKED_OUT.inc())
    event.listen(engine, "checkin", lambda *_args: POOL_CHECKED_OUT.dec())


class DatabaseCollector:
    """The database's figures, read when Prometheus scrapes (not kept per worker)."""

    def collect(self):  # noqa: ANN201
        up = GaugeMetricFamily("skm_database_up", "1 when the database answered this scrape")
        now = now_utc()
        try:
            figures = ops_metrics.figures(db.session, now)
            open_requests = request_filters.count(
                sa.and_(InterpretingRequest.is_open, InterpretingRequest.starts_at > now))
            without = request_filters.count(
                request_filters.coordinator_condition("no_candidate", now))
            db.session.rollback()
        except Exception as exc:  # noqa: BLE001 - a scrape reports the outage, never a 500
            db.session.rollback()
            log.warning("metrics: database figures unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        outbox = GaugeMetricFamily("skm_outbox_messages", "Outbox messages by status",
                                   labels=["status"])
        for status, count in figures.outbox.items():
            outbox.add_metric([status], count)
        yield outbox
        yield GaugeMetricFamily("skm_outbox_oldest_pending_age_seconds",
                                "Age of the oldest queued (pending) message",
                                value=figures.outbox_oldest_pending_age)
        yield GaugeMetricFamily("skm_outbox_oldest_due_age_seconds",
                                "How long the longest-waiting due message has waited",
                                value=figures.outbox_oldest_due_age)
        yield GaugeMetricFamily("skm_open_requests", "Coming requests still without a mediator",
                                value=open_requests)
        yield GaugeMetricFamily("skm_open_requests_without_candidate",
                                "Coming open requests whose language no active mediator speaks",
                                value=without)
        if figures.heartbeat is not None:
            yield GaugeMetricFamily("skm_scheduler_heartbeat_timestamp_seconds",
                                    "Unix time of the acting scheduler's last heartbeat",
                                    value=figures.heartbeat)
        for name, key, text in (
            ("skm_scheduler_job_last_run_timestamp_seconds", "run", "last run"),
            ("skm_scheduler_job_last_success_timestamp_seconds", "ok", "last successful run"),
            ("skm_scheduler_job_last_failure_timestamp_seconds", "failed", "last failed run"),
        ):
            family = GaugeMetricFamily(name, f"Unix time of each job's {text}", labels=["job"])
            for job, times in figures.jobs.items():
                if times[key] is not None:
                    family.add_metric([job], times[key])
            yield family


def allowed() -> bool:
    """Tell whether this request may read /metrics (bearer token or allowed network)."""
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(
            given[7:].strip().encode(), token.encode()):
        return True
    networks = current_app.config["METRICS_ALLOWED_NETWORKS"]
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    for network in networks:
        try:
            if client in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            log.warning("METRICS_ALLOWED_NETWORKS: %r is not a network", network)
    return False


def exposition() -> Response:
    """The /metrics answer: this process's (or all workers') series, then the database's."""
    if not allowed():
        abort(404)
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        body = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    body += generate_latest(database)
    return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST})
