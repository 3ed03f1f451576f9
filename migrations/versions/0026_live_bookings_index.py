"""live bookings index: a language's bookings in one week by one range scan

Reviewed by hand. Matching reads the live (not cancelled) bookings of every speaker of the
request's language in the request's week. Through `ix_assignment_mediator_starts_at` that
is one index probe per speaker, 1,000 probes for a widely spoken language (9.6 ms on the
state-scale data set); a partial index on `starts_at` over the live bookings lets
PostgreSQL read the week's few hundred bookings in one range scan and hash-join them to the
speakers (1.1 ms). Covering on PostgreSQL, so the scan never visits the table. Building it
on a million bookings takes a few seconds and blocks writes to the table meanwhile.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 19:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

LIVE = "status != 'cancelled'"


def upgrade():
    op.create_index('ix_assignment_live_starts_at', 'assignment', ['starts_at'],
                    postgresql_include=['mediator_id', 'ends_at', 'status', 'request_id'],
                    postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))


def downgrade():
    op.drop_index('ix_assignment_live_starts_at', table_name='assignment')
