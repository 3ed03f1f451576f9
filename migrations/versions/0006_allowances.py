"""allowances: per-year allowance rules and immutable monthly statements (issue 6)

Reviewed by hand: three new tables only, no change to existing ones; indexes in batch mode
for SQLite; downgrade drops them in reverse order.

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-25 11:05:18.452388

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('allowance_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('hourly_rate_cents', sa.Integer(), nullable=False),
    sa.Column('minimum_cents', sa.Integer(), nullable=False),
    sa.Column('per_km_cents', sa.Integer(), nullable=False),
    sa.Column('reimburse_tickets', sa.Boolean(), nullable=False),
    sa.Column('annual_cap_cents', sa.Integer(), nullable=False),
    sa.Column('warn_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hourly_rate_cents >= 0 AND minimum_cents >= 0 AND per_km_cents >= 0 AND annual_cap_cents >= 0', name=op.f('ck_allowance_rule_non_negative')),
    sa.CheckConstraint('warn_percent BETWEEN 1 AND 100', name=op.f('ck_allowance_rule_warn_percent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_rule')),
    sa.UniqueConstraint('year', name=op.f('uq_allowance_rule_year'))
    )
    op.create_table('allowance_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('travel_cents', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('payee_name', sa.String(length=170), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.CheckConstraint("kind IN ('regular', 'correction')", name=op.f('ck_allowance_statement_kind')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_allowance_statement_month')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_allowance_statement_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mediator_id'], ['mediator.id'], name=op.f('fk_allowance_statement_mediator_id_mediator'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_statement'))
    )
    with op.batch_alter_table('allowance_statement', schema=None) as batch_op:
        batch_op.create_index('ix_allowance_statement_mediator_year', ['mediator_id', 'year'], unique=False)
        batch_op.create_index('ix_allowance_statement_year_month', ['year', 'month'], unique=False)

    op.create_table('allowance_statement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('travel_km', sa.Numeric(precision=7, scale=1), nullable=False),
    sa.Column('ticket_cents', sa.Integer(), nullable=False),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('travel_cents', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_allowance_statement_line_assignment_id_assignment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['allowance_statement.id'], name=op.f('fk_allowance_statement_line_statement_id_allowance_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_statement_line'))
    )
    with op.batch_alter_table('allowance_statement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_statement_line_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_statement_line_statement_id'), ['statement_id'], unique=False)



def downgrade():
    with op.batch_alter_table('allowance_statement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_statement_line_statement_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_statement_line_assignment_id'))

    op.drop_table('allowance_statement_line')
    with op.batch_alter_table('allowance_statement', schema=None) as batch_op:
        batch_op.drop_index('ix_allowance_statement_year_month')
        batch_op.drop_index('ix_allowance_statement_mediator_year')

    op.drop_table('allowance_statement')
    op.drop_table('allowance_rule')
