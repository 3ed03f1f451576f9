"""Operator commands of the calendar area: feed URLs and the scheduler process."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db
from app.models import User


def register_calendar_cli(app: Flask) -> None:
    """Attach `feeds` and `scheduler` command groups."""
    feeds = click.Group("feeds", help="Private calendar feeds.")
    app.cli.add_command(feeds)

    @feeds.command("url")
    @click.argument("email")
    def feed_url(email: str) -> None:
        """Print a person's feed URL (https and webcal)."""
        from app.services.feeds import feed_urls

        user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user {email}")
        with current_app.test_request_context():
            urls = feed_urls(user)
        if urls is None:
            raise click.ClickException("the feed of this user is revoked")
        click.echo(urls["https"])
        click.echo(urls["webcal"])

    scheduler = click.Group("scheduler", help="The background job scheduler.")
    app.cli.add_command(scheduler)

    @scheduler.command("run")
    @click.option("--once", is_flag=True, help="Run every job once and exit.")
    @click.option("--no-wait", is_flag=True, help="Exit if another scheduler holds the lock.")
    def run(once: bool, no_wait: bool) -> None:
        """Run the scheduler in this process (one per installation; others stand by)."""
        import logging

        from app import scheduler as sched

        logging.basicConfig(level=logging.INFO)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # no line per run
        app_obj = current_app._get_current_object()
        if once:
            with sched.single_instance(app_obj) as held:
                if not held:
                    raise click.ClickException("another scheduler process holds the lock")
                for job_id, result in sched.run_all_once(app_obj).items():
                    click.echo(f"{job_id}: {result}")
            return
        try:
            sched.run_forever(app_obj, wait=not no_wait)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
        except (KeyboardInterrupt, SystemExit):
            click.echo("scheduler stopped")
