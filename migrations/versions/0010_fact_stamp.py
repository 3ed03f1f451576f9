"""fact stamp: one row per family of cached facts, rewritten by every commit that changes them

Reviewed by hand. The candidates page caches each language's speaker facts per worker and
compares this row's stamp on every use (`app.services.matching.cache`); the row must exist, so
it is inserted here with a random stamp.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 16:30:00

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'fact_stamp',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_fact_stamp')),
    )
    op.bulk_insert(table, [{'name': 'speakers', 'stamp': uuid.uuid4().hex}])


def downgrade():
    op.drop_table('fact_stamp')
