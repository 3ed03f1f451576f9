"""outbox failures: a coordinator may discard a dead message (status 'discarded')

Reviewed by hand. Only the CHECK constraint on outbox_message.status changes; autogenerate
does not compare CHECK constraints, so this one is written out. SQLite rebuilds the table in
batch mode (the constraint is named, so it can be dropped there too).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OLD = "status IN ('pending', 'sent', 'dead')"
NEW = "status IN ('pending', 'sent', 'dead', 'discarded')"


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_message_status'), NEW)


def downgrade():
    op.execute("UPDATE outbox_message SET status = 'dead' WHERE status = 'discarded'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_message_status'), OLD)
