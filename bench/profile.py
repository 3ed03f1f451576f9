"""Profile one page of the generated data set: where its time goes, in Python and in SQL.

Why a tool and not a one-off: the benchmark says *that* a page is slow; this says *why*
(profile before any change). It serves the page in-process with the
production config (no gunicorn, so cProfile sees every frame), logs in through the real login
form as the role's first generated account, warms up, then profiles `--repeat` GETs and prints
the heaviest functions and every SQL statement with its time.

    .venv/bin/python -m bench.profile /coordination/requests/123 --role coordinator
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import time
from collections import defaultdict

import sqlalchemy as sa

from bench.context import credentials
from bench.run import DEFAULT_URL


def _client(url: str, role: str | None):
    from tests.production import production_env

    os.environ.update(production_env(DATABASE_URL=url, LOGIN_RATE_LIMIT="1000 per minute"))
    import wsgi  # the gunicorn entry point: the same app and garbage-collector settings

    app = wsgi.app
    # production cookies are Secure and CSRF checks the Referer on https: act as https
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_HOST": "localhost",
                                "HTTP_REFERER": "https://localhost/auth/login"})
    if role:
        email, password = credentials(role, url)
        page = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        done = client.post("/auth/login", data={"email": email, "password": password,
                                                "csrf_token": token})
        if done.status_code != 302:
            raise SystemExit(f"login as {email} failed ({done.status_code})")
    return app, client


def _sql_times(app):
    """Collect (statement, seconds) for every query while the context is open."""
    from app.extensions import db

    seen: list[tuple[str, float]] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, params, context, executemany):
        context._bench_started = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany):
        seen.append((statement, time.perf_counter() - context._bench_started))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    return seen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--role", default="coordinator")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    app, client = _client(args.url, args.role or None)
    for _ in range(3):
        status = client.get(args.path).status_code
    if status != 200:
        raise SystemExit(f"{args.path} answered {status}")
    started = time.perf_counter()
    for _ in range(args.repeat):
        client.get(args.path)
    plain = (time.perf_counter() - started) / args.repeat * 1000
    seen = _sql_times(app)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.disable()
    per_page = (time.perf_counter() - started) / args.repeat * 1000
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    by_statement: dict[str, list[float]] = defaultdict(list)
    for statement, seconds in seen:
        by_statement[" ".join(statement.split())[:160]].append(seconds)
    total_sql = sum(s for _stmt, s in seen) / args.repeat * 1000
    print(f"{args.path}: {plain:.1f} ms per page, {per_page:.1f} ms profiled, "
          f"SQL {total_sql:.1f} ms in {len(seen) / args.repeat:.0f} statements")
    for statement, times in sorted(by_statement.items(), key=lambda kv: -sum(kv[1])):
        print(f"{sum(times) / args.repeat * 1000:8.2f} ms  x{len(times) // args.repeat:<3} "
              f"{statement}")


if __name__ == "__main__":
    main()
