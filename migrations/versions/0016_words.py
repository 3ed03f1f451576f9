"""words: folded search keys for mediators and institutions, the office's language names

Reviewed by hand. Adds `search_key` (folded names, places, addresses: see app/textfold.py)
to `mediator` and `institution` and fills it for the existing rows, so a search finds
"Şahin" typed as "sahin" and the other way round on SQLite and PostgreSQL alike. Adds the
table `language_names` for the names a coordinator gives a language (over the reviewed list).
SQLite changes the tables in batch mode.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 10:45:00

"""
import sqlalchemy as sa
from alembic import op

from app.textfold import fold_fields

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

FIELDS = {
    'mediator': ('first_name', 'last_name', 'email', 'district', 'notes'),
    'institution': ('name', 'street', 'postcode', 'city', 'district'),
}


def upgrade():
    op.create_table(
        'language_names',
        sa.Column('code', sa.String(length=3), nullable=False),
        sa.Column('name_de', sa.String(length=120), nullable=False),
        sa.Column('name_en', sa.String(length=120), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length(code) = 3', name=op.f('ck_language_names_code_iso639_3')),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_language_names')),
    )
    conn = op.get_bind()
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_key', sa.Text(), server_default='',
                                          nullable=False))
        t = sa.table(table, sa.column('id'), sa.column('search_key'),
                     *(sa.column(f) for f in fields))
        rows = conn.execute(sa.select(t.c.id, *(t.c[f] for f in fields))).all()
        for row in rows:
            conn.execute(t.update().where(t.c.id == row[0])
                         .values(search_key=fold_fields(*row[1:])))


def downgrade():
    for table in FIELDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_key')
    op.drop_table('language_names')
