"""offer channel: an offer is e-mailed or asked by phone (the coordinator records the answer)

Reviewed by hand. Adds `offer.channel` ('email' for every existing offer) with a named CHECK
constraint; SQLite rebuilds the table in batch mode.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 10:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='email',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_offer_channel'),
                                         "channel IN ('email', 'phone')")


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_offer_channel'), type_='check')
        batch_op.drop_column('channel')
