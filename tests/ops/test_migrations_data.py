"""Every migration keeps every row: base to head one step at a time with rows in every table.

Runs on SQLite and, with SKM_TEST_POSTGRES_URL, on PostgreSQL. After each upgrade every
primary key of the step before is still there; the step is then undone and redone, and
each table must hold exactly the rows it held at that revision. One row more goes into
every table at each revision, so tables that a later migration rebuilds, and the tables
that reference them, always hold rows of several schema generations.
"""

from __future__ import annotations

import itertools

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.ops.migration_data import (
    MIGRATIONS,
    Filler,
    app_on,
    lost_rows,
    revision_chain,
    scratch_database,
    snapshot,
)


@pytest.fixture()
def scratch_app(tmp_path):
    """An app bound to a new, empty database of this run's dialect, its context pushed."""
    with scratch_database(tmp_path) as url, app_on(url) as app:
        yield app


def test_the_history_is_one_line_with_one_head():
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    assert len(script.get_bases()) == 1, f"several bases: {script.get_bases()}"
    branched = [s.revision for s in script.walk_revisions()
                if len(s.nextrev) > 1 or s.is_merge_point]
    assert not branched, f"branch or merge points: {branched}"
    assert len(revision_chain()) == len(list(MIGRATIONS.glob("versions/*.py")))


def _describe(problems: dict) -> str:
    return "; ".join(f"{table}: {', '.join(p)}" for table, p in sorted(problems.items()))


def test_every_step_up_and_down_keeps_every_row(scratch_app):
    filler = Filler()
    chain = revision_chain()
    upgrade(revision=chain[0])
    filler.fill(db.engine)
    for previous, revision in itertools.pairwise(chain):
        before = snapshot(db.engine)
        assert all(before.values()), f"an empty table at {previous}: {before}"
        upgrade(revision=revision)
        after = snapshot(db.engine)
        lost = lost_rows(before, after)
        assert not lost, f"upgrade {previous} -> {revision} lost rows: {_describe(lost)}"

        downgrade(revision=previous)
        changed = lost_rows(before, snapshot(db.engine), exact=True)
        assert not changed, f"downgrade {revision} -> {previous}: {_describe(changed)}"
        upgrade(revision=revision)
        changed = lost_rows(after, snapshot(db.engine), exact=True)
        assert not changed, f"upgrade {previous} -> {revision} again: {_describe(changed)}"
        filler.fill(db.engine)

    filler.fill(db.engine)  # a table made by the newest migration has had one fill so far
    final = snapshot(db.engine)
    # a table the head revision adds was filled once only (after that last step)
    assert all(len(ids) >= (2 if table in before else 1) for table, ids in final.items()), final
    result = scratch_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_the_operators_commands_keep_every_row(scratch_app):
    """What docs/operations.md tells an office running 0006 to do, through the real CLI."""
    runner = scratch_app.test_cli_runner()
    upgrade(revision="0006")
    filler = Filler()
    filler.fill(db.engine)
    filler.fill(db.engine)
    before = snapshot(db.engine)
    assert runner.invoke(args=["db", "current"]).exit_code == 0
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    lost = lost_rows(before, snapshot(db.engine))
    assert not lost, _describe(lost)
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    with db.engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == revision_chain()[-1]
    result = runner.invoke(args=["db", "downgrade", "0014"])
    assert result.exit_code == 0, result.output
    lost = lost_rows(before, snapshot(db.engine))
    assert not lost, _describe(lost)
