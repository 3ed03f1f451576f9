"""request internal note: the office's own note beside the note for the mediator

Reviewed by hand. Adds `interpreting_request.internal_note` (TEXT, '' for every existing
row): what the office notes about a request (who phoned, its view of the case). Only the
coordinators see it; `note` stays the note for the mediator, as before. A plain ADD COLUMN
on both databases (no table rebuild); every row is kept.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 14:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal_note', sa.Text(), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.drop_column('internal_note')
