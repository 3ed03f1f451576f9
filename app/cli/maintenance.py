"""`flask maintenance on "Text" | off | status`: pause every change for an upgrade window.

The switch is a row in the database, so every worker on every host sees it within
MAINTENANCE_CACHE_SECONDS (default 5 s); see `app.services.core.maintenance`.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

maintenance = AppGroup("maintenance", help="Maintenance mode: a notice on every page, no "
                                           "changes saved.")


@maintenance.command("on")
@click.argument("text")
def on(text: str) -> None:
    """Switch maintenance mode on with TEXT as the notice (again: change the text)."""
    from app.services.core import maintenance as svc
    from app.services.core.errors import DomainError

    try:
        notice = svc.switch_on(text)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Maintenance mode is on (since {notice.since:%Y-%m-%d %H:%M} UTC): "
               f"{notice.message}")


@maintenance.command("off")
def off() -> None:
    """Switch maintenance mode off."""
    from app.services.core import maintenance as svc

    was_on = svc.switch_off()
    db.session.commit()
    click.echo("Maintenance mode is off." if was_on else "Maintenance mode was off already.")


@maintenance.command("status")
def status() -> None:
    """Say whether maintenance mode is on (exit status 0) or off (exit status 3)."""
    from app.services.core import maintenance as svc

    notice = svc.status()
    if notice is None:
        click.echo("Maintenance mode is off.")
        raise SystemExit(3)
    click.echo(f"Maintenance mode is on (since {notice.since:%Y-%m-%d %H:%M} UTC): "
               f"{notice.message}")
