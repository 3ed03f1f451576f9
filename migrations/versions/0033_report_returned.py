"""report returned: the office can return a reported hours entry with a reason

Reviewed by hand. The CHECK constraint on `assignment.report_status` gains 'returned' (the
office sent the report back; the mediator reports again), and `assignment.return_reason`
holds why ('' for every existing row). Autogenerate does not compare CHECK constraints, so
the change is written out; SQLite rebuilds the table in batch mode and keeps every row and
index (the constraint is named, so it can be dropped there too). Downgrade turns a returned
report back into 'reported' (waiting for the office again).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 14:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

OLD = "report_status IN ('none', 'reported', 'approved')"
NEW = "report_status IN ('none', 'reported', 'approved', 'returned')"


def upgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_reason', sa.String(length=500), server_default='',
                                      nullable=False))
        batch_op.drop_constraint(op.f('ck_assignment_report_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_assignment_report_status'), NEW)


def downgrade():
    op.execute("UPDATE assignment SET report_status = 'reported' "
               "WHERE report_status = 'returned'")
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assignment_report_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_assignment_report_status'), OLD)
        batch_op.drop_column('return_reason')
