"""unknown levels: mobility, German level and a language's level may be unknown (NULL)

Reviewed by hand. An imported list that does not say how someone travels, how well they
speak German or how well they speak a language used to get "public", "B2" and "native"
invented by the models' defaults; such values are now NULL, shown as "missing" and scored
lowest. Upgrade only relaxes NOT NULL, so every row stays as it is; SQLite rebuilds the
two tables in batch mode (env.py turns foreign keys off for the rebuild). Downgrade fills
the unknown values with the old defaults before restoring NOT NULL, so it keeps every row.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 13:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.alter_column('mobility', existing_type=sa.String(length=10), nullable=True)
        batch_op.alter_column('german_level', existing_type=sa.String(length=6),
                              nullable=True)
    with op.batch_alter_table('mediator_language', schema=None) as batch_op:
        batch_op.alter_column('level', existing_type=sa.String(length=6), nullable=True)


def downgrade():
    op.execute("UPDATE mediator SET mobility = 'public' WHERE mobility IS NULL")
    op.execute("UPDATE mediator SET german_level = 'B2' WHERE german_level IS NULL")
    op.execute("UPDATE mediator_language SET level = 'native' WHERE level IS NULL")
    with op.batch_alter_table('mediator_language', schema=None) as batch_op:
        batch_op.alter_column('level', existing_type=sa.String(length=6), nullable=False)
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.alter_column('german_level', existing_type=sa.String(length=6),
                              nullable=False)
        batch_op.alter_column('mobility', existing_type=sa.String(length=10), nullable=False)
