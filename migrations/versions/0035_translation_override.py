"""translation override: the mediators' side as the pool's reviewers corrected it

Reviewed by hand. A volunteer reviews a language's mediator-facing messages in a
spreadsheet; the office imports it and each changed message is one row here (locale,
message id, its forms), applied over the catalog file by every worker. A new, empty table:
no existing row is touched.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 17:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'translation_override',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('msgid', sa.Text(), nullable=False),
        sa.Column('forms', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_override')),
        sa.UniqueConstraint('locale', 'msgid', name=op.f('uq_translation_override_locale_msgid')),
    )


def downgrade():
    op.drop_table('translation_override')
