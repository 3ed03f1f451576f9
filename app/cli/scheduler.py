"""`flask scheduler run`: the one background process for periodic work (never a web worker)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

scheduler = AppGroup("scheduler", help="The background job scheduler.")


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
        from app.services.core import fence

        with sched.single_instance(app_obj) as lock:
            if not lock:
                raise click.ClickException(
                    f"another scheduler holds the lock ({lock.holder})")
            fence.install(app_obj, lock.alive)
            try:
                results = sched.run_all_once(app_obj)
            except fence.LockLostError as exc:
                raise click.ClickException(
                    f"lock lost ({lock.lost_reason}); stopped") from exc
            finally:
                fence.remove(app_obj)
            for job_id, result in results.items():
                click.echo(f"{job_id}: {result}")
        return
    try:
        sched.run_forever(app_obj, wait=not no_wait)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    except (KeyboardInterrupt, SystemExit):
        click.echo("scheduler stopped")
