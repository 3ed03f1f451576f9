"""`flask feeds url EMAIL`: print a person's private calendar feed URL (for support calls)."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.models import User

feeds = AppGroup("feeds", help="Private calendar feeds.")


@feeds.command("url")
@click.argument("email")
def feed_url(email: str) -> None:
    """Print a person's feed URL (https and webcal)."""
    from app.services.calendar.feeds import feed_urls

    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    with current_app.test_request_context():
        urls = feed_urls(user)
    if urls is None:
        raise click.ClickException("the feed of this user is revoked")
    click.echo(urls["https"])
    click.echo(urls["webcal"])
