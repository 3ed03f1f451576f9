"""bench indexes: covering assignment index, dashboard and feed-ETag indexes (issue 8)

Reviewed by hand: indexes only, no table or column changes. Measured on the state-wide
benchmark data set (1,000,000 requests): the dashboard's "reports to approve" and "no-shows"
lists, loading a request's assignments (the partial unique index skips cancelled rows) and
the feed ETag's max(updated_at) were sequential scans (100-250 ms each); the matching facts
visited the assignment table once per speaker. (An index on interpreting_request(starts_at)
halved the yearly report on PostgreSQL but made SQLite walk it for the dashboard's
status-filtered list, 2 ms -> 114 ms, so it is left out.) On PostgreSQL the existing
ix_assignment_mediator_starts_at is rebuilt with INCLUDE columns (SQLite has no INCLUDE, so
it stays as it is there). Downgrade restores the previous state.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-25 12:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None

INCLUDE = ['ends_at', 'status', 'reported_minutes', 'request_id', 'updated_at']


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_assignment_mediator_starts_at', table_name='assignment')
        op.create_index('ix_assignment_mediator_starts_at', 'assignment',
                        ['mediator_id', 'starts_at'], unique=False, postgresql_include=INCLUDE)
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_report_status_starts_at',
                              ['report_status', 'starts_at'], unique=False)
        batch_op.create_index('ix_assignment_no_show_starts_at',
                              ['mediator_no_show', 'starts_at'], unique=False)
        batch_op.create_index('ix_assignment_request_id', ['request_id'], unique=False)
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.create_index('ix_interpreting_request_updated_at', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.drop_index('ix_interpreting_request_updated_at')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_request_id')
        batch_op.drop_index('ix_assignment_no_show_starts_at')
        batch_op.drop_index('ix_assignment_report_status_starts_at')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_assignment_mediator_starts_at', table_name='assignment')
        op.create_index('ix_assignment_mediator_starts_at', 'assignment',
                        ['mediator_id', 'starts_at'], unique=False)
