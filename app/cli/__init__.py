"""Operator commands (`flask --app wsgi ...`): one module per command group, all attached in
`register_cli`, the one place that says which commands exist."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    from app.cli import (
        demo,
        feeds,
        mail,
        maintenance,
        ops,
        privacy,
        requests,
        scheduler,
        settings,
        users,
    )

    for command in (
        demo.seed_demo, users.users, mail.outbox, privacy.privacy, requests.requests_group,
        feeds.feeds, scheduler.scheduler, ops.backup, ops.restore, ops.refresh_facts,
        settings.config_group, maintenance.maintenance,
    ):
        app.cli.add_command(command)
