"""A landed migration is never edited; databases upgraded at an edited version are repaired.

Alembic runs each revision once, so editing a migration that some database has already run
leaves that database on the old version for good (0009 and 0025 were edited so; 0028
repairs what they left). The checksums below stop the next edit; the stale-state test
rebuilds by hand what the first versions of 0008, 0009 and 0025 built, upgrades, and
expects exactly the indexes of a fresh database.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app.extensions import db, include_object
from tests.ops.migration_data import Filler, app_on, scratch_database

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"

# SHA-256 of every landed migration (line ends normalised). Add a line when a migration
# lands on main; never change one.
LANDED = {
    "0001_initial_schema.py": "ca4e15b15f2c7087530dc0337be13e478f3ce18cb6b042e41635400317c556dd",
    "0006_allowances.py": "0f38b8f0e0fb657da77dff07856d229f466a9b73f91b4d4426fc13cf80dcb25a",
    "0008_bench_indexes.py": "b456b8cec51b1ce6da4fdd031b2f9e10a43ce61642eab4090ff5cd1d7b5afb1e",
    "0009_report_indexes.py": "b54f9aa4c1b2d2f1b437b9624bd162af5b5991f3d0e516eff4924d2ab10f1a09",
    "0010_fact_stamp.py": "e1572b6010108c163c7725de8ee6c14783b0b1af81ea87b3936564cb14e759b2",
    "0011_outbox_failures.py": "6832476a422de5f244e289969069fc71df58339238b54eebc8c1b4aa8b6b20a1",
    "0012_session_version.py": "421485ca7bd46906ee316e54e25735d55e4a306cdd073dc56999ee72cb8d00ea",
    "0013_assignment_no_overlap.py":
        "3c72d9380a68abd238515d80cb70a14ae634f20d2056747b22de570092445ea9",
    "0014_offer_channel.py": "e9584ff1ff1d6000a2e800e90464b92f880b0c851560e3f4d0e3670415a892dc",
    "0015_bank_details.py": "697d73466e4bd00dbca7da86ae274ef6af85d9062717bcb28e42880702b4f141",
    "0016_words.py": "6283b74341b5f83576d2e732c7fcb13a06eb9034c048514bdcfd1eb40ee3b219",
    "0018_unfilled_reason.py": "975038229c63493252c10caf68a3634da366c57266eb009ccf5b01b311c03da3",
    "0019_request_modes.py": "98e7d9762bd54326f9e536a6e07558f162069ef10dd74b14c2515d2425307c3c",
    "0020_board_signup.py": "af389d420ff31fc81877d59abaa38f09b30df1a6168338fceb32e427746ac916",
    "0021_follow_up.py": "a9ead027052ea1bdbfb937091be398cec01ba0987f2be5742b9f18b805948ac1",
    "0024_feed_notify.py": "5ce92becaf04d7bda9cd752decc427db4d7da5e1b585d41f7acc82b664914bb3",
    "0025_report_indexes.py": "f901a490b7e4b8f4eb5fd747ff6c4c2efd1da028a4950c37c3e0d71d42b5bade",
    "0026_live_bookings_index.py":
        "14db5f5218b437d0cb65e4bc3b994c357efab0f5f0f1a758f73cb3f685ef6b65",
    "0027_language_names_stamp.py":
        "01de13e33a42f69943b63bfba710e21cfc21f49d575f1e6de9feb2e190c4d18f",
    "0028_repair_report_indexes.py":
        "68916245b424925d365ea58adc0b5e22790475e4e76fe87788f9518284a1f213",
    "0029_scheduler_run.py":
        "cfe9e7e4e7133efc67ee9c6b007f104f91441763b6e7b0fd48b412e426c51a2e",
    "0030_maintenance_notice.py":
        "b62467c47d1645f40cc9e08b04466e71a9d51408a5e01f8a6dbfd1c8d64d4300",
    "0031_unknown_levels.py":
        "50f14ef3a9c3b92307d9d3cf46fb9d5cd2834ad2d75227c902b36d3146187437",
    "0032_request_internal_note.py":
        "6fa01fa9a195f9875182c9a04f7eb71c963b0fa3e2deab1b5d4669fafa3f91d5",
    "0033_report_returned.py":
        "a5c8ffff35aa12598a8e6f069c6a6ae6629dc3bebab36ffba4f2ea0191aa4e05",
    "0034_sort_names.py":
        "5fb915d8573960942769f628a0f041d915e786d409c6d5474d45fb7c62b353be",
    "0035_translation_override.py":
        "d0b641f2c6a0d15afcf30c9288e68bacafccebe9119a91382a19fb944316c227",
}


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def test_no_landed_migration_was_edited():
    present = {p.name: _checksum(p) for p in VERSIONS.glob("*.py")}
    edited = sorted(name for name, digest in LANDED.items() if present.get(name) != digest)
    assert not edited, (
        f"landed migration(s) edited or removed: {', '.join(edited)}. A landed migration is "
        "never edited, only followed by a new one: databases that already ran it never run "
        "it again. Restore the file (git checkout main -- migrations/versions/...) and put "
        "the change into a new revision.")
    unrecorded = sorted(set(present) - set(LANDED))
    assert not unrecorded, (
        f"migration(s) without a recorded checksum: {', '.join(unrecorded)}. Add the line "
        f"to LANDED in {Path(__file__).name} when the migration lands; from then on it is "
        "never edited.")


# --- what the first versions built (by hand, on the revision they belonged to) ----------

REPORT_INCLUDE = "institution_id, language_code, status, outcome, assigned_at, created_at, " \
                 "duration_minutes"
STALE = {
    # 0008 on its branch (62b6ca3), both databases
    "0008": ["CREATE INDEX ix_interpreting_request_starts_at ON interpreting_request (starts_at)"],
    # 0009 as it first landed (7bef801): a starts_at report index, the status index plain
    "0009": ["DROP INDEX ix_interpreting_request_status_starts_at",
             "CREATE INDEX ix_interpreting_request_status_starts_at "
             "ON interpreting_request (status, starts_at)",
             "CREATE INDEX ix_interpreting_request_starts_at_report ON interpreting_request "
             f"(starts_at) INCLUDE ({REPORT_INCLUDE})"],
    # 0025 as it first landed (34f9210): the status index as 0019 left it, without id
    "0025": ["DROP INDEX ix_interpreting_request_status_starts_at",
             "CREATE INDEX ix_interpreting_request_status_starts_at ON interpreting_request "
             "(status, starts_at) INCLUDE (institution_id, language_code, outcome, "
             "assigned_at, created_at, duration_minutes, mode)"],
}


def _for_dialect(statement: str, dialect: str) -> str:
    """SQLite has no INCLUDE: there the first versions built the plain index, if any."""
    if dialect == "postgresql":
        return statement
    return statement.split(" INCLUDE ")[0]


def _indexes(engine: sa.Engine) -> dict:
    inspector = sa.inspect(engine)
    found = {}
    for table in inspector.get_table_names():
        for ix in inspector.get_indexes(table):
            options = {k: list(v) if isinstance(v, list | tuple) else str(v)
                       for k, v in ix.get("dialect_options", {}).items()}
            found[ix["name"]] = (table, ix["column_names"], bool(ix["unique"]), options)
    return found


def _diff(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_object": include_object})
        return compare_metadata(ctx, db.metadata)


@pytest.fixture(scope="module")
def fresh_indexes(tmp_path_factory):
    with scratch_database(tmp_path_factory.mktemp("fresh")) as url, app_on(url):
        upgrade()
        yield _indexes(db.engine)


@pytest.mark.parametrize("stale", [["0008"], ["0009"], ["0025"], ["0008", "0009", "0025"]],
                         ids=lambda s: "+".join(s))
def test_databases_upgraded_at_edited_versions_end_with_a_fresh_schema(stale, fresh_indexes,
                                                                       tmp_path):
    with scratch_database(tmp_path) as url, app_on(url) as app:
        filler = Filler()
        for revision in stale:
            upgrade(revision=revision)
            filler.fill(db.engine)
            with db.engine.begin() as conn:
                for statement in STALE[revision]:
                    conn.exec_driver_sql(_for_dialect(statement, conn.dialect.name))
        upgrade(revision="0027")
        before = _indexes(db.engine)
        if stale != ["0025"] or db.engine.dialect.name == "postgresql":  # SQLite: no INCLUDE
            assert before != fresh_indexes, "the stale state should differ from a fresh one"
        if "0009" in stale or "0008" in stale:
            assert _diff(db.engine), "flask db check should report the stale index"

        upgrade()
        assert _indexes(db.engine) == fresh_indexes
        assert _diff(db.engine) == []
        result = app.test_cli_runner().invoke(args=["db", "check"])
        assert result.exit_code == 0, result.output
