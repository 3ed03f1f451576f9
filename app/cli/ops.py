"""Operations commands: `flask --app wsgi backup` and `restore` for the embedded SQLite
database, `refresh-facts` after editing pool tables or language names by hand.

Why the online backup API and not `cp`: copying the file while a worker writes can catch a
half-written page or miss the WAL; sqlite3's backup copies a consistent snapshot while the app
keeps running. Restoring by copying the file is just as wrong: the live database's `-wal` file
stays beside the copy and SQLite replays it over pages of another database (a "malformed"
file). `restore` writes the backup through SQLite's backup API into the live database
instead, through the WAL like any write. PostgreSQL: `pg_dump` and `pg_restore`
(docs/operations.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.services.core import health, stamps
from app.timeutil import now_utc


def backup_sqlite(source: Path | sqlite3.Connection, target: Path) -> Path:
    """Copy a consistent snapshot of the SQLite database at `source` (a path, or an open
    connection such as the one `flask restore` holds its lock with) to `target`; check it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise click.ClickException(f"{target} exists already; choose another name.")
    own = not isinstance(source, sqlite3.Connection)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True) if own else source
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise click.ClickException("the backup failed its integrity check")
    finally:
        dst.close()
        if own:
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


# ---- restore ------------------------------------------------------------------------------

def _check(conn: sqlite3.Connection, label: str) -> None:
    """Refuse a database that fails `integrity_check` or has rows breaking a foreign key."""
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{label} is not a readable SQLite database: {exc}") from exc
    if problems != ["ok"]:
        raise click.ClickException(f"{label} failed PRAGMA integrity_check: {problems[:3]}")
    if orphans:
        raise click.ClickException(f"{label} has {len(orphans)} rows that break a foreign key "
                                   f"(first: table {orphans[0][0]}, rowid {orphans[0][1]})")


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Count the rows of every table of an SQLite database."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _revision(conn: sqlite3.Connection) -> str:
    try:
        return ", ".join(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.OperationalError:
        return ""


@contextlib.contextmanager
def _scheduler_lock(live: Path) -> Iterator[None]:
    """Hold the scheduler's lock file (app/scheduler.py) for the restore, or refuse."""
    path = Path(f"{live}.scheduler.lock")
    if not path.exists():
        yield
        return
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise click.ClickException(
                f"The scheduler (flask scheduler run) holds {path}: stop it and the app, then "
                "run restore again. Nothing was changed.") from None
        yield  # held: no scheduler starts while the rows are replaced


def _exclusive(live: Path, timeout: float) -> sqlite3.Connection:
    """Open the live database and keep it locked against every other connection, or refuse.

    Why EXCLUSIVE locking mode: in WAL mode every open connection of another process (an
    idle gunicorn worker too) holds a shared lock on the file, so the lock is refused while
    anything has the database open, and once granted it is held until this connection closes.
    """
    conn = sqlite3.connect(live, timeout=timeout, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise click.ClickException(f"{live} cannot be opened: {exc}") from exc
        raise click.ClickException(
            f"{live} is in use by another process (a gunicorn worker, the scheduler, a flask "
            "shell?): stop the app and the scheduler, then run restore again. Nothing was "
            "changed.") from None
    return conn


def restore_sqlite(backup_file: Path, live: Path, safety: Path, *, timeout: float = 2.0,
                   echo=click.echo) -> dict[str, int]:
    """Replace the live database's contents with a checked backup; return the row counts.

    The backup API writes the backup's pages into the live database through SQLite (and its
    WAL), in one transaction: a stale `-wal` file is part of the old state, not replayed over
    the new one. The old state is kept at `safety` first.
    """
    if not backup_file.is_file():
        raise click.ClickException(f"{backup_file} does not exist.")
    if live.exists() and backup_file.resolve() == live.resolve():
        raise click.ClickException("The backup is the live database itself.")
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        _check(src, f"The backup {backup_file}")
        counts = row_counts(src)
        revision = _revision(src)
        if not revision:
            raise click.ClickException(f"{backup_file} is not a backup of this app (no "
                                       "alembic_version table).")
        echo(f"Backup {backup_file}: integrity ok, foreign keys ok, schema {revision}.")
        existed = live.exists() and live.stat().st_size > 0
        with _scheduler_lock(live):
            conn = _exclusive(live, timeout)
            try:
                if existed:
                    backup_sqlite(conn, safety)
                    echo(f"Safety copy of the database before the restore: {safety}")
                src.backup(conn)
                _check(conn, f"The restored database {live}")
                restored = row_counts(conn)
            finally:
                conn.close()  # the last connection: checkpoints and removes the -wal file
    finally:
        src.close()
    if restored != counts:
        raise click.ClickException(f"Row counts differ after the restore: {restored} != "
                                   f"{counts}; the safety copy is {safety}.")
    echo(f"Restored into {live}: integrity ok, foreign keys ok.")
    echo("Rows per table (backup = restored):")
    for name, count in counts.items():
        echo(f"  {name}: {count}")
    return counts


def _postgres_help(url) -> str:
    """The documented PostgreSQL restore, with this server's host, port and user filled in."""
    opts = " ".join(f"{flag} {value}" for flag, value in (
        ("-h", url.host), ("-p", url.port), ("-U", url.username)) if value)
    new = f"{url.database}_restored"
    return "\n".join([
        "This database is PostgreSQL: flask restore restores SQLite only. Restore a dump",
        "into a new, empty database, then point DATABASE_URL at it and start the app:",
        "",
        f"  pg_dump -Fc {opts} -f skm_pool-$(date +%F).dump {url.database}   # the backup",
        f"  createdb {opts} {new}",
        f"  pg_restore --clean --if-exists --no-owner {opts} -d {new} skm_pool-YYYY-MM-DD.dump",
        "  DATABASE_URL=<the same URL, database " + new + "> flask --app wsgi db upgrade",
        "",
        "pg_restore must exit with 0: --if-exists keeps --clean from failing on every object",
        "the new database does not have yet. Use pg_dump and pg_restore of the server's major",
        "version (pg_dump --version). docs/operations.md, Backup and restore.",
    ])


@click.command("restore")
@with_appcontext
@click.argument("backup_file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(backup_file: Path, yes: bool) -> None:
    """Restore an SQLite backup into the database (stop the app and the scheduler first)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        click.echo(_postgres_help(url))
        raise click.exceptions.Exit(1)
    if not url.database or url.database == ":memory:":
        raise click.ClickException("An in-memory database cannot be restored.")
    live = Path(url.database)
    if not yes:
        click.confirm(f"Replace every row of {live} with the contents of {backup_file}?",
                      abort=True)
    db.session.remove()
    db.engine.dispose()  # this process's own pooled connections would hold the file open
    safety = (Path(current_app.instance_path) / "backups"
              / f"pre-restore-{now_utc():%Y%m%d-%H%M%S}.sqlite")
    restore_sqlite(backup_file, live, safety)
    with db.engine.connect() as conn:
        state = health.schema_state(conn)
    db.engine.dispose()
    if state.at_head:
        click.echo(f"The database is at {', '.join(state.code)}, the code's head: start the app.")
    else:
        click.echo(f"{state.describe()} before starting the app.")
