"""repair report indexes: every database reaches the same indexes, whatever commit upgraded it

Reviewed by hand. Migrations 0009 and 0025 were edited after they had landed, so a database
that was upgraded at the earlier version keeps what that version built (Alembic never runs
a revision twice):
- 0009 as first landed (7bef801) built `ix_interpreting_request_starts_at_report`
  (starts_at INCLUDE ...) on PostgreSQL; the edit (d261ee4) builds the covering status
  index instead. The old index stays behind and `flask db check` reports it.
- 0025 as first landed (34f9210, `0025_unserved_index.py`) only built the partial unserved
  index; the edit (7591c5c) also rebuilds `ix_interpreting_request_status_starts_at` on
  PostgreSQL with `id` among its INCLUDE columns. Without it the yearly report's work
  figures visit the table; `flask db check` does not compare INCLUDE columns.
- 0008 on its branch (62b6ca3, edited in d5f66e6 before the merge) built
  `ix_interpreting_request_starts_at` on both databases.
This revision drops the stale indexes where they exist and rebuilds the status index where
its INCLUDE columns differ from the ones a fresh database gets; on an up-to-date database it
does nothing. Rebuilding locks writes to interpreting_request for a few seconds on a
million requests. Downgrade does nothing: the repaired state is what 0027 describes.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 11:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

TABLE = 'interpreting_request'
STALE = ('ix_interpreting_request_starts_at_report', 'ix_interpreting_request_starts_at')
STATUS = 'ix_interpreting_request_status_starts_at'
STATUS_INCLUDE = ['id', 'institution_id', 'language_code', 'outcome', 'assigned_at',
                  'created_at', 'duration_minutes', 'mode']


def upgrade():
    bind = op.get_bind()
    indexes = {ix['name']: ix for ix in sa.inspect(bind).get_indexes(TABLE)}
    for name in STALE:
        if name in indexes:
            op.drop_index(name, table_name=TABLE)
    status = indexes.get(STATUS)
    postgresql = bind.dialect.name == 'postgresql'
    include = (status or {}).get('dialect_options', {}).get('postgresql_include', [])
    if status is not None and status['column_names'] == ['status', 'starts_at'] and (
            not postgresql or list(include) == STATUS_INCLUDE):
        return
    if status is not None:
        op.drop_index(STATUS, table_name=TABLE)
    include_kw = {'postgresql_include': STATUS_INCLUDE} if postgresql else {}
    op.create_index(STATUS, TABLE, ['status', 'starts_at'], **include_kw)


def downgrade():
    pass
