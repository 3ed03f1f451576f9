"""unfilled reason: why a request was not served (issue 17)

Reviewed by hand. Adds `interpreting_request.unfilled_reason` (NULL = not given; a named CHECK
limits it to the vocabulary `UNFILLED_REASONS` in app/models/request.py) and
`unfilled_note` (the free text of "other", '' for every existing row). SQLite rebuilds the
table in batch mode.

Revision ID: 0018
Revises: 0019
Create Date: 2026-12-01 12:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0019'
branch_labels = None
depends_on = None

REASONS = ('no_speaker', 'none_available', 'short_notice', 'occasion_not_served', 'other')


def upgrade():
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unfilled_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('unfilled_note', sa.String(length=500), server_default='',
                                      nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_interpreting_request_unfilled_reason'),
            "unfilled_reason IS NULL OR unfilled_reason IN ("
            + ", ".join(f"'{r}'" for r in REASONS) + ")")


def downgrade():
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_interpreting_request_unfilled_reason'), type_='check')
        batch_op.drop_column('unfilled_note')
        batch_op.drop_column('unfilled_reason')
