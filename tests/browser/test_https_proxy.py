"""HTTPS end to end: Chromium → Debian's nginx with deploy/nginx/skm-pool.conf → gunicorn.

Runs what docs/operations.md tells an operator to run: the shipped nginx site (only ports and
paths substituted), `gunicorn -c gunicorn.conf.py` with the production configuration,
`TRUSTED_PROXIES=1` and an https BASE_URL, a database made by `flask db upgrade` and a user
made by `flask users create`. Every form POST must pass Flask-WTF's CSRF check over HTTPS,
which needs a same-origin Referer (it answered 400 "Formular abgelaufen" under
`Referrer-Policy: no-referrer`).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.net import CSRF_RE, free_port
from tests.production import production_env

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NGINX = "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx" / "skm-pool.conf"
EMAIL = "koordination@example.org"
PASSWORDS = ("Lindenblüte-Kanal-7", "Wasserturm-Fähre-42", "Brückenwaage-Linde-9")

if not os.path.exists(NGINX):  # CI installs it (.ci/run: ensure_nginx)
    if os.environ.get("CI"):
        raise RuntimeError("Debian's nginx is required for the HTTPS test in CI")
    pytest.skip("nginx is not installed", allow_module_level=True)


def site_config(tmp: Path, https_port: int, http_port: int, app_port: int) -> str:
    """Return the shipped site with this run's ports and paths; each placeholder must exist."""
    text = SITE.read_text()
    for old, new in {
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/ssl/certs/skm-pool.crt": str(tmp / "cert.pem"),
        "/etc/ssl/private/skm-pool.key": str(tmp / "key.pem"),
        "/var/log/nginx/": f"{tmp}/",
        "/srv/skm-pool/static/": f"{ROOT}/static/",
        "http://127.0.0.1:8000": f"http://127.0.0.1:{app_port}",
    }.items():
        assert old in text, f"{old!r} is gone from {SITE.name}: update this test with it"
        text = text.replace(old, new)
    return text


def nginx_config(tmp: Path) -> str:
    """Wrap the site like Debian's nginx.conf does (http block, mime types), all under tmp."""
    temp = "\n".join(f"    {kind}_temp_path {tmp}/nginx-{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers read the test's files
    return (f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/nginx-error.log;\n"
            "events { worker_connections 64; }\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"{temp}\n    include {tmp}/skm-pool.conf;\n}}\n")


def _wait(check, what: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited: {log.read_text()[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not come up: {log.read_text()[-3000:]}")


def _get(port: int, path: str, *, tls: bool) -> http.client.HTTPResponse:
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                           context=ssl._create_unverified_context())  # noqa: S323
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:  # closed also when the server is still starting and drops the connection
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    return response


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Start gunicorn (production) and nginx (TLS) on free ports; yield what the tests need."""
    tmp = tmp_path_factory.mktemp("https")
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    base = f"https://127.0.0.1:{https_port}"
    env = production_env(SECRET_KEY=secrets.token_hex(32),
               DATABASE_URL=f"sqlite:///{tmp / 'skm.sqlite'}", BASE_URL=base,
               TRUSTED_PROXIES="1", GUNICORN_BIND=f"127.0.0.1:{app_port}", GUNICORN_WORKERS="2",
               GUNICORN_ACCESS_LOG=str(tmp / "gunicorn-access.log"))
    env.pop("LOG_FORMAT", None)  # production's default: JSON lines

    def flask(*args: str) -> None:
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,  # noqa: S603
                       check=True, capture_output=True, timeout=300)

    flask("db", "upgrade")
    flask("users", "create", "--role", "coordinator", "--email", EMAIL, "--name", "Koordination",
          "--password", PASSWORDS[0])
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",  # noqa: S607
                    "-subj", "/CN=127.0.0.1", "-days", "2", "-keyout", str(tmp / "key.pem"),
                    "-out", str(tmp / "cert.pem")], check=True, capture_output=True, timeout=60)
    (tmp / "skm-pool.conf").write_text(site_config(tmp, https_port, http_port, app_port))
    (tmp / "nginx.conf").write_text(nginx_config(tmp))

    app_log = tmp / "gunicorn.log"
    with app_log.open("wb") as out:  # the child keeps its copy of the file
        gunicorn = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],  # noqa: S603
                                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    nginx_log = tmp / "nginx-error.log"
    nginx = None
    try:
        _wait(lambda: _get(app_port, "/healthz", tls=False).status == 200, "gunicorn",
              gunicorn, app_log)
        nginx = subprocess.Popen(  # noqa: S603
            [NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-e", str(nginx_log),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait(lambda: _get(https_port, "/healthz", tls=True).status == 200, "nginx", nginx,
              nginx_log)
        yield {"base": base, "tmp": tmp, "env": env, "app_log": app_log,
               "https_port": https_port, "http_port": http_port}
    finally:
        if nginx is not None:
            _stop(nginx)
        _stop(gunicorn)


def _reset_token(env: dict) -> str:
    """Make a password-reset link's token the way the app does, under gunicorn's secret."""
    def make(user):
        from app.services.core import accounts

        return accounts.make_token(user, "reset")
    return _with_user(env, make)


def _feed_token(env: dict) -> str:
    """Give the coordinator a calendar feed (committed) and return its token."""
    def rotate(user):
        from app.extensions import db
        from app.services.calendar import feeds

        token = feeds.rotate(user)
        db.session.commit()
        return token
    return _with_user(env, rotate)


def _with_user(env: dict, make):
    """Call make(user) in an app under gunicorn's secret and database; return its result."""
    from app import create_app
    from app.extensions import db
    from app.models import User
    from tests.production import ProductionTestConfig

    class Same(ProductionTestConfig):
        SECRET_KEY = env["SECRET_KEY"]
        SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
        BASE_URL = env["BASE_URL"]

    app = create_app(Same)
    with app.app_context():
        import sqlalchemy as sa

        result = make(db.session.scalar(sa.select(User).where(User.email == EMAIL)))
        db.engine.dispose()
    return result


def _submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def _login(page, password: str):
    """Log in through the form; return the login page's response (for its headers)."""
    response = page.goto("/auth/login")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password]").fill(password)
    _submit(page)
    return response


def _logout(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Abmelden").click()


def test_log_in_submit_forms_and_log_out_through_nginx(stack, browser):
    """The coordinator logs in, changes the password, logs out; a reset link works too."""
    context = browser.new_context(base_url=stack["base"], ignore_https_errors=True,
                                  locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        first = _login(page, PASSWORDS[0])
        assert "Formular abgelaufen" not in page.content()
        assert page.url == stack["base"] + "/"
        assert page.get_by_role("button", name="Abmelden").is_visible()
        assert first.headers["referrer-policy"] == "same-origin"
        assert first.headers["strict-transport-security"].startswith("max-age=31536000")
        static = page.request.get("/static/css/app.css")  # served by nginx itself
        assert static.status == 200 and static.headers["x-content-type-options"] == "nosniff"

        page.goto("/auth/password")
        page.locator("input[name=current]").fill(PASSWORDS[0])
        page.locator("input[name=password]").fill(PASSWORDS[1])
        page.locator("input[name=confirm]").fill(PASSWORDS[1])
        _submit(page)
        assert "Formular abgelaufen" not in page.content()
        assert "Ihr Passwort wurde geändert." in page.content()

        _logout(page)
        assert page.url == stack["base"] + "/auth/login"
        assert "Sie wurden abgemeldet." in page.content()

        # an e-mail link page: its token must stay out of every Referer, its form must work
        token = _reset_token(stack["env"])
        link_page = page.goto(f"/auth/reset/{token}")
        assert link_page.headers["referrer-policy"] == "strict-origin"
        page.locator("input[name=password]").fill(PASSWORDS[2])
        page.locator("input[name=confirm]").fill(PASSWORDS[2])
        _submit(page)
        assert "Formular abgelaufen" not in page.content()
        assert "Ihr Passwort wurde gespeichert." in page.content()
        _login(page, PASSWORDS[2])
        assert page.url == stack["base"] + "/"
        _logout(page)
    finally:
        context.close()

    log = stack["app_log"].read_text()
    assert "CSRF refused" not in log and token not in log
    gunicorn_access = (stack["tmp"] / "gunicorn-access.log").read_text()
    assert token not in gunicorn_access and "/auth/reset/***" in gunicorn_access
    for line in (log + gunicorn_access).splitlines():  # production logs: JSON, request ids
        assert "request_id" in json.loads(line)
    assert all(json.loads(line)["request_id"] for line in gunicorn_access.splitlines())
    access = (stack["tmp"] / "skm-pool.access.log").read_text()
    assert "POST /auth/login" in access and "/auth/reset/***" in access
    assert token not in access


def test_foreign_referer_is_refused_and_logged_without_the_token(stack, browser):
    """A cross-site POST gets the 400 page; the log says why, in one line without the token."""
    context = browser.new_context(base_url=stack["base"], ignore_https_errors=True,
                                  locale="de-DE")
    try:
        token = _reset_token(stack["env"])
        form = context.request.get(f"/auth/reset/{token}").text()
        csrf = CSRF_RE.search(form).group(1)
        answer = context.request.post(
            f"/auth/reset/{token}", headers={"Referer": "https://evil.example/page"},
            form={"csrf_token": csrf, "password": PASSWORDS[1], "confirm": PASSWORDS[1]})
        assert answer.status == 400 and "Formular abgelaufen" in answer.text()
    finally:
        context.close()
    time.sleep(0.5)  # the worker's log line may trail its answer
    lines = [line for line in stack["app_log"].read_text().splitlines() if "CSRF refused" in line]
    assert len(lines) == 1, lines
    assert "WARNING" in lines[0] and "does not match the host" in lines[0]
    assert "https://evil.example" in lines[0] and "/page" not in lines[0]
    assert token not in lines[0] and csrf not in lines[0]


def test_plain_http_is_sent_to_https(stack):
    response = _get(stack["http_port"], "/auth/login", tls=False)
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/auth/login"


def test_no_product_banner_one_hsts_header_and_feeds_out_of_the_log(stack):
    """`server_tokens off`, HSTS once (nginx's), and a calendar poll leaves no log line."""
    for path in ("/auth/login", "/static/css/app.css", "/no-such-page"):
        response = _get(stack["https_port"], path, tls=True)
        assert response.getheader("Server") == "nginx", path
        assert len(response.headers.get_all("Strict-Transport-Security") or []) == 1, path
    plain = _get(stack["http_port"], "/auth/login", tls=False)
    assert plain.getheader("Server") == "nginx"

    token = _feed_token(stack["env"])
    feed = _get(stack["https_port"], f"/calendar/{token}.ics", tls=True)
    assert feed.status == 200 and feed.getheader("Content-Type").startswith("text/calendar")
    assert len(feed.headers.get_all("Strict-Transport-Security")) == 1
    _get(stack["https_port"], "/healthz", tls=True)  # a line written after the feed's
    time.sleep(0.5)
    access = (stack["tmp"] / "skm-pool.access.log").read_text()
    assert "GET /healthz" in access
    assert "/calendar/" not in access and token not in access
