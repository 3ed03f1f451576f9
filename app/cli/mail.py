"""`flask outbox send`: deliver queued e-mail by hand (the scheduler does it every minute)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

outbox = AppGroup("outbox", help="The e-mail outbox.")


@outbox.command("send")
def send_outbox() -> None:
    """Deliver queued e-mails that are due (the scheduler does this every minute)."""
    from app.services.core.tasks import deliver_due

    result = deliver_due(limit=10_000)
    click.echo(f"sent={result['sent']} failed={result['failed']}")
