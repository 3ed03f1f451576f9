"""unserved index: the reports' "not served" tables read only the unserved requests

Reviewed by hand. A partial index on `interpreting_request.starts_at` over the requests
nobody served (status 'unfilled', or a reason given when the office cancelled), covering
the language and the reason on PostgreSQL, so the yearly report's two new tables no longer
scan the whole year's requests (208 ms of the report on the state-scale data set).

Revision ID: 0025
Revises: 0018
Create Date: 2026-12-01 17:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0018'
branch_labels = None
depends_on = None

UNSERVED = "status = 'unfilled' OR unfilled_reason IS NOT NULL"


def upgrade():
    op.create_index('ix_interpreting_request_unserved_starts_at', 'interpreting_request',
                    ['starts_at'], postgresql_include=['language_code', 'unfilled_reason'],
                    postgresql_where=sa.text(UNSERVED), sqlite_where=sa.text(UNSERVED))


def downgrade():
    op.drop_index('ix_interpreting_request_unserved_starts_at',
                  table_name='interpreting_request')
