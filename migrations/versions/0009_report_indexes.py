"""report and feed indexes: covering indexes for the yearly report, feed-ETag indexes (issue 8)

Reviewed by hand: indexes only. Measured on the state-wide benchmark data set (1,000,000
requests, 891,452 assignments): the yearly report's request cube and median lead time read
every request of ten years (sequential scans, 210 and 160 ms) and its work figures joined
every completed assignment (360 ms). With covering indexes they read one year through
index-only scans (the page went from 1,000 to 450 ms).

PostgreSQL only (SQLite has no INCLUDE): ix_interpreting_request_status_starts_at is rebuilt
with INCLUDE columns (the report names every status, so it reads one range per status), and
a new ix_assignment_status_starts_at_report covers the work figures. No index may lead with
interpreting_request.starts_at: for the dashboard's "open requests, soonest first, LIMIT 50"
both planners then walk ten years of history in start order (PostgreSQL: 1.7 s; SQLite, see
0008: 114 ms). The models do not declare the INCLUDE columns or the new index;
`app.extensions.include_object` keeps them out of autogenerate.

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

REQUEST_INCLUDE = ['institution_id', 'language_code', 'outcome', 'assigned_at', 'created_at',
                   'duration_minutes']


def upgrade():
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.create_index('ix_institution_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.create_index('ix_mediator_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_kind_updated_at', ['kind', 'updated_at'], unique=False)
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_interpreting_request_status_starts_at', table_name='interpreting_request')
    op.create_index(
        'ix_interpreting_request_status_starts_at', 'interpreting_request',
        ['status', 'starts_at'], postgresql_include=REQUEST_INCLUDE)
    op.create_index(
        'ix_assignment_status_starts_at_report', 'assignment', ['status', 'starts_at'],
        postgresql_include=['mediator_id', 'reported_minutes', 'request_id',
                            'mediator_no_show'])


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_assignment_status_starts_at_report', table_name='assignment')
        op.drop_index('ix_interpreting_request_status_starts_at',
                      table_name='interpreting_request')
        op.create_index('ix_interpreting_request_status_starts_at', 'interpreting_request',
                        ['status', 'starts_at'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_kind_updated_at')
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.drop_index('ix_mediator_updated_at')
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_index('ix_institution_updated_at')
