"""open-request board: volunteers' sign-ups and the per-request "first come" flag

Reviewed by hand. Adds the table `board_signup` (one row per request and mediator, unique;
`withdrawn_at` set when the mediator takes the sign-up back) and
`interpreting_request.board_first_come` (false for every existing request); SQLite rebuilds
the request table in batch mode.

Revision ID: 0020
Revises: 0021
Create Date: 2026-12-01 12:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'board_signup',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('mediator_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['mediator_id'], ['mediator.id'],
                                name=op.f('fk_board_signup_mediator_id_mediator'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_id'], ['interpreting_request.id'],
                                name=op.f('fk_board_signup_request_id_interpreting_request'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_signup')),
        sa.UniqueConstraint('request_id', 'mediator_id',
                            name=op.f('uq_board_signup_request_id_mediator_id')),
    )
    op.create_index('ix_board_signup_mediator_id', 'board_signup', ['mediator_id'],
                    unique=False)
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_first_come', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.drop_column('board_first_come')
    op.drop_index('ix_board_signup_mediator_id', table_name='board_signup')
    op.drop_table('board_signup')
