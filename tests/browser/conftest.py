"""Real-browser fixtures: the app served on loopback, Debian's chromium driven by Playwright,
axe-core for accessibility, screenshots on failure."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app import create_app
from config import TestingConfig
from tests.browser import chromium
from tests.net import free_port, serve

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}

if not chromium.installed():  # CI installs it (.ci/run); locally it may be absent
    if os.environ.get("CI"):
        raise RuntimeError("Debian's chromium is required for the browser tests in CI")
    pytest.skip("chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; one per run (the sync API allows only one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = chromium.launch(p)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(database_url, _app):
    """Serve a second app instance on the test database at a free loopback port."""
    port = free_port()

    class LiveConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SERVER_NAME = None
        BASE_URL = f"http://127.0.0.1:{port}"
        LOGIN_RATE_LIMIT = "1000 per minute"

    live_app = create_app(LiveConfig)
    live_app.base_url = LiveConfig.BASE_URL
    with serve(live_app, port):
        yield live_app
    with live_app.app_context():
        from app.extensions import db

        db.engine.dispose()


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, browser, live_server, app):
    """A fresh browser context per test, at desktop width and at 360 px (phone)."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="de-DE",
                                  base_url=live_server.base_url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.viewport_name = request.param
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


_AXE_RESULTS: dict[str, dict] = {}


def check_accessibility(page, name: str) -> None:
    """Run axe-core on the current page; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    violations = result.response["violations"]
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    _AXE_RESULTS[f"{name} [{page.viewport_size['width']}px]"] = {
        "url": page.url.split("?")[0], "violations": len(violations), "serious_or_critical": len(serious),
    }
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                           for v in serious]


def pytest_sessionfinish(session, exitstatus):
    if _AXE_RESULTS:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / "axe-results.json"
        merged = json.loads(target.read_text()) if target.exists() else {}
        merged.update(_AXE_RESULTS)
        target.write_text(json.dumps(merged, indent=2, sort_keys=True))
