"""`flask --app wsgi config check`: the effective configuration, secrets masked, and every
reason production would refuse to start (config.validate_production)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

import config as settings

config_group = AppGroup("config", help="Inspect the configuration.")


@config_group.command("check")
def check() -> None:
    """Print the effective configuration (secrets masked); exit 1 with one line per problem."""
    app = current_app
    problems = settings.validate_production(app.config)
    if problems:
        for line in problems:
            click.echo(f"error: {line}", err=True)
        click.echo(f"{len(problems)} problem(s); the app refuses to start "
                   f"({app.config['CONFIG_NAME']} configuration).", err=True)
        sys.exit(1)
    for line in settings.effective(app.config):
        click.echo(line)
    click.echo(f"ok: the {app.config['CONFIG_NAME']} configuration is complete.")
