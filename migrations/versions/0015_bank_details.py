"""bank details: account holder and BIC on the mediator; who exported a statement, in which run

Reviewed by hand. New string columns are added with a server default '' so existing rows get
a value, and the default is dropped again (the models set it in Python). Stored IBANs are
normalised to the compact upper-case form the payout files use. SQLite alters in batch mode.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_holder', sa.String(length=70), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('bic', sa.String(length=11), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.alter_column('account_holder', server_default=None)
        batch_op.alter_column('bic', server_default=None)
    op.execute("UPDATE mediator SET iban = upper(replace(iban, ' ', ''))")

    with op.batch_alter_table('allowance_statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exported_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('export_batch', sa.String(length=35), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('bic', sa.String(length=11), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key(
            batch_op.f('fk_allowance_statement_exported_by_id_app_user'), 'app_user',
            ['exported_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_allowance_statement_export_batch'),
                              ['export_batch'], unique=False)
    with op.batch_alter_table('allowance_statement', schema=None) as batch_op:
        batch_op.alter_column('export_batch', server_default=None)
        batch_op.alter_column('bic', server_default=None)


def downgrade():
    with op.batch_alter_table('allowance_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_statement_export_batch'))
        batch_op.drop_constraint(batch_op.f('fk_allowance_statement_exported_by_id_app_user'),
                                 type_='foreignkey')
        batch_op.drop_column('bic')
        batch_op.drop_column('export_batch')
        batch_op.drop_column('exported_by_id')
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.drop_column('bic')
        batch_op.drop_column('account_holder')
