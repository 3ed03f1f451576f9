"""report and feed indexes: covering indexes for the yearly report, feed-ETag indexes (issue 8)

Reviewed by hand: indexes only. Measured on the state-wide benchmark data set (1,000,000
requests, 891,452 assignments): the yearly report's request cube and median lead time read
every request of ten years (sequential scans, 210 and 160 ms) and its work figures joined
every completed assignment (360 ms). With these two covering indexes they read one year
through index-only scans (147, 33 and 224 ms; the page went from 1,000 to 490 ms).
PostgreSQL only: SQLite has no INCLUDE, and a plain starts_at index there makes its planner
walk it for the dashboard's status-filtered list (2 ms -> 114 ms, see 0008). The models do
not declare them; `app.extensions.include_object` keeps them out of autogenerate.

On both databases: the feed ETag's max(updated_at) over institutions and mediators and its
count/max over exchange meetings were sequential scans on every calendar poll (1.3 ms of
the 2.5 ms the ETag statement took on the benchmark data); these three small indexes make
them index-only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 14:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.create_index('ix_institution_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.create_index('ix_mediator_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_kind_updated_at', ['kind', 'updated_at'], unique=False)
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index(
        'ix_interpreting_request_starts_at_report', 'interpreting_request', ['starts_at'],
        postgresql_include=['institution_id', 'language_code', 'status', 'outcome',
                            'assigned_at', 'created_at', 'duration_minutes'])
    op.create_index(
        'ix_assignment_status_starts_at_report', 'assignment', ['status', 'starts_at'],
        postgresql_include=['mediator_id', 'reported_minutes', 'request_id',
                            'mediator_no_show'])


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_assignment_status_starts_at_report', table_name='assignment')
        op.drop_index('ix_interpreting_request_starts_at_report',
                      table_name='interpreting_request')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_kind_updated_at')
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.drop_index('ix_mediator_updated_at')
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_updated_at')
