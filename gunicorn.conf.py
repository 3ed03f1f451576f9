"""gunicorn settings: `gunicorn -c gunicorn.conf.py` behind the town's nginx (docs/operations.md).

gunicorn also reads this file by itself when started in this directory without `-c` (the
benchmark, the resilience suite and tests/core/test_rate_limits.py do); their command-line options
win over the values here. Every value can be set from the environment (or `.env`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dotenv import load_dotenv

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # config.py and wsgi.py, also when started from elsewhere
load_dotenv(HERE / ".env")

from config import Config  # noqa: E402  (after .env, like wsgi.py)

wsgi_app = "wsgi:app"
chdir = str(HERE)
# loopback only: nginx in front terminates TLS (deploy/nginx/skm-pool.conf)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
# the slowest pages (week planner ~8 s, a 10 MB list import) end well inside this
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Forwarded headers are believed as configured, in one place: the app's ProxyFix sized by
# TRUSTED_PROXIES (app/__init__.py). gunicorn's own rewrite of the scheme (on by default for
# loopback peers) would otherwise make every request "https" even with TRUSTED_PROXIES=0.
# With a proxy, gunicorn trusts the loopback nginx of deploy/ and only X-Forwarded-Proto,
# the header that nginx sets, so a client's X-Forwarded-Ssl cannot turn a request into a 400.
forwarded_allow_ips = "127.0.0.1,::1" if Config.TRUSTED_PROXIES > 0 else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# nginx writes the access log (tokens masked); GUNICORN_ACCESS_LOG=- adds gunicorn's own, e.g.
# without a proxy; the app masks the tokens there too (app/calendar/logmask.py)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "skm-pool"

# Logs (docs/operations.md, Logs): gunicorn's own lines, the access log and the app's in one
# format (JSON in production), every secret token masked, the request id on each request's
# lines. The access log stays off unless GUNICORN_ACCESS_LOG is set.
from app.logs import gunicorn_logconfig  # noqa: E402
from config import CONFIGS  # noqa: E402

_log_format = CONFIGS[os.environ.get("FLASK_CONFIG", "development")].LOG_FORMAT
logger_class = "app.logs.GunicornLogger"
logconfig_dict = gunicorn_logconfig(_log_format, accesslog,
                                    os.environ.get("LOG_LEVEL", "INFO").upper())


# Metrics (docs/operations.md, Monitor): with PROMETHEUS_MULTIPROC_DIR set, every worker keeps
# its counters in files there and /metrics adds up all workers. The directory is emptied when
# gunicorn starts (values of an earlier run would count again) and an exited worker's live
# gauges are dropped (prometheus_client's documented gunicorn recipe).
def on_starting(server) -> None:  # noqa: ANN001
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for old in path.glob("*.db"):
            old.unlink()


def child_exit(server, worker) -> None:  # noqa: ANN001
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
