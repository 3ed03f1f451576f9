"""Operations commands: `flask --app wsgi backup` for the embedded SQLite database,
`refresh-facts` after editing pool tables or language names by hand.

Why the online backup API and not `cp`: copying the file while a worker writes can catch a
half-written page or miss the WAL; sqlite3's backup copies a consistent snapshot while the app
keeps running. PostgreSQL is backed up with `pg_dump` (see README, Betrieb / Operations).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.services.core import stamps
from app.timeutil import now_utc


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a consistent snapshot of the SQLite database at `source` to `target` and check it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise click.ClickException(f"{target} exists already; choose another name.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise click.ClickException("the backup failed its integrity check")
    finally:
        dst.close()
        src.close()
    return target


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in `folder`; return what was removed."""
    backups = sorted(folder.glob("skm_pool-*.sqlite"))
    removed = backups[:-keep] if keep > 0 else []
    for path in removed:
        path.unlink()
    return removed


@click.command("backup")
@with_appcontext
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("--keep", type=int, default=0,
              help="Keep only this many backups in the default folder (0: keep all).")
def backup(target: Path | None, keep: int) -> None:
    """Back up the SQLite database while the app runs (PostgreSQL: use pg_dump)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "This database is not SQLite; back it up with pg_dump (see README).")
    if not url.database or url.database == ":memory:":
        raise click.ClickException("An in-memory database cannot be backed up.")
    folder = Path(current_app.instance_path) / "backups"
    if target is None:
        target = folder / f"skm_pool-{now_utc():%Y%m%d-%H%M%S}.sqlite"
    done = backup_sqlite(Path(url.database), target)
    click.echo(f"Backup written to {done} ({done.stat().st_size:,} bytes).")
    if keep:
        for path in prune(target.parent, keep):
            click.echo(f"Removed old backup {path.name}.")


@click.command("refresh-facts")
@with_appcontext
def refresh_facts() -> None:
    """Make every worker reload its copies of speaker facts and language names (after
    editing the database by hand)."""
    stamps.touch_all()
    db.session.commit()
    click.echo("Every worker reads the speaker facts and language names afresh on its next use.")
