"""language names stamp: each worker keeps the office's language names while unchanged

Reviewed by hand. The coordinators' language names were read once per request; workers
now keep a copy checked against a stamp (`app.services.core.stamps`), read in the same
statement as the speakers' stamp. Without the row every read goes to the table, as before.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 23:00:00

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

STAMPS = sa.table('fact_stamp', sa.column('name', sa.String), sa.column('stamp', sa.String))


def upgrade():
    op.bulk_insert(STAMPS, [{'name': 'languages', 'stamp': uuid.uuid4().hex}])


def downgrade():
    op.execute(STAMPS.delete().where(STAMPS.c.name == 'languages'))
