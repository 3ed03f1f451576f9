"""maintenance notice: one row while the operator has switched maintenance mode on

Reviewed by hand. `flask maintenance on "Text"` writes the row, `off` deletes it; every
worker reads it (cached for a few seconds) and then shows the text on every page and answers
every change with 503. A new, empty table: no existing row is touched.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 13:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'maintenance_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_notice')),
    )


def downgrade():
    op.drop_table('maintenance_notice')
