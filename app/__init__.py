"""SKM-Pool: the application factory."""

from __future__ import annotations

import logging
import os
import sys

from flask import Flask, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app import i18n, logs, ratelimit_storage
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from config import Config, selected_config, validate_production


def select_locale() -> str:
    """Pick the UI language: explicit choice, then the user's profile, then the browser, else
    German; among the languages the user's pages exist in (app/i18n.py)."""
    if not has_request_context():
        return "de"  # CLI and scheduler: German unless force_locale() says otherwise
    try:
        languages = i18n.languages_for(current_user)
        account = current_user.locale if current_user.is_authenticated else None
    except SQLAlchemyError:  # the user cannot be loaded: the request's error page answers
        languages, account = tuple(i18n.UI_LANGUAGES), None
    chosen = session.get("locale") or g.get("link_locale")  # app.web.views.speak_to
    if chosen not in languages:
        chosen = account if account in languages else request.accept_languages.best_match(
            languages)
    return i18n.babel_locale(chosen or "de")


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the app; the scheduler is deliberately not started here (it is its own process)."""
    if config_class is None:
        try:
            config_class = selected_config()
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    _metrics_environment()  # before anything imports prometheus_client
    _trust_proxies(app)
    _refuse_bad_config(app)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    csrf.init_app(app)
    shown = ratelimit_storage.configure(app.config)  # Redis with a bounded worker fallback
    limiter.init_app(app)
    app.config.update(shown)  # the settings as the operator wrote them (flask config check)
    babel.init_app(app, locale_selector=select_locale)
    from app.services.pool import translation_review

    i18n.install_reviews(babel, translation_review.overrides)  # the pool's reviewed wording
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    from app import models  # noqa: F401  (register mappers)
    from app.services.matching import cache as fact_cache

    fact_cache.install()
    from app.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """Load the user of a session or remember cookie only while its version is current.

        The id is `<user id>.<session version>` (`User.get_id`); logout, a new password or
        the coordinator raise the version, which ends every copy of the old cookies. Ids
        without a version (sessions from before migration 0012) log in once more.
        """
        uid, dot, version = str(user_id).partition(".")
        if not dot or not uid.isdigit() or not version.isdigit() or len(uid) > 18:
            return None
        user = db.session.get(User, int(uid))
        if user is None or not user.is_enabled or user.session_version != int(version):
            return None
        logs.remember_user(user)
        return user

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")

    from app.web.input import register_input
    from app.web.urlconv import register_converters

    register_input(app)
    register_converters(app)

    _register_blueprints(app)

    from app.cli import register_cli
    from app.web.errors import register_errors
    from app.web.maintenance import register_maintenance
    from app.web.security import register_security
    from app.web.templating import register_templating

    register_cli(app)
    register_templating(app)
    register_security(app)
    register_errors(app)
    from app.web.metrics import register_metrics

    register_maintenance(app)
    register_metrics(app)

    if not app.testing:  # JSON or text lines, tokens masked, request ids (app/logs.py)
        logs.configure(app)
    if app.config["SCHEMA_CHECK_ON_START"] and not running_db_command(sys.argv):
        from app.services.core import health

        with app.app_context():
            health.log_schema_at_start(db.engine)
    return app


class ConfigError(RuntimeError):
    """The configuration cannot serve: one line per problem (config.validate_production)."""


def _refuse_bad_config(app: Flask) -> None:
    """Refuse to start on a value that does not parse and, in production, on a configuration
    that would serve the public unsafely or without the town's legal details; every problem
    is logged on a line of its own. `flask config check` reports them itself instead."""
    problems = validate_production(app.config)
    if not problems or cli_command(sys.argv)[:2] == ["config", "check"]:
        return
    log = logging.getLogger("app.config")
    for line in problems:
        log.error("configuration: %s", line)
    raise ConfigError("the configuration is incomplete (`flask config check`):\n"
                      + "\n".join(problems))


def cli_command(argv: list[str]) -> list[str]:
    """Return the command words of `flask [--app X] group command ...` ([] for no command)."""
    words = iter(argv[1:])
    for word in words:
        if word in ("--app", "-A", "--env-file", "-e"):
            next(words, None)
        elif not word.startswith("-"):
            return [word, *(w for w in words if not w.startswith("-"))]
    return []


def running_db_command(argv: list[str]) -> bool:
    """Tell `flask [--app X] db ...`: the migration commands fix the schema the start-up
    check would complain about."""
    return cli_command(argv)[:1] == ["db"]


def _metrics_environment() -> None:
    """Share metrics through PROMETHEUS_MULTIPROC_DIR only between gunicorn's processes.

    prometheus_client reads the variable when it is first imported. A `flask` command run
    with the same environment (.env) would otherwise leave its own files there, which
    gunicorn's /metrics would add to its workers' figures.
    """
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory or "prometheus_client" in sys.modules:
        return
    if "gunicorn" in (sys.argv[0] if sys.argv else ""):
        os.makedirs(directory, exist_ok=True)
    else:
        del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto from exactly TRUSTED_PROXIES reverse proxies.

    Behind a proxy every request comes from the proxy's address, so the login limit would
    count all visitors together; without a proxy the header is the client's own invention
    and must be ignored (the default, 0).
    """
    count = int(app.config["TRUSTED_PROXIES"])
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _register_blueprints(app: Flask) -> None:
    """Mount one blueprint per domain; each view spells its full path (no URL prefixes)."""
    from app.accounts import bp as accounts_bp
    from app.booking import bp as booking_bp
    from app.calendar import bp as calendar_bp
    from app.pool import bp as pool_bp
    from app.reports import bp as reports_bp
    from app.site import bp as site_bp

    for blueprint, prefix in (
        (site_bp, None), (accounts_bp, None), (booking_bp, None), (pool_bp, None),
        (calendar_bp, None), (reports_bp, "/reports"),
    ):
        app.register_blueprint(blueprint, url_prefix=prefix)
