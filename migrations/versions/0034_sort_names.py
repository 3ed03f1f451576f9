"""sort names: stored German sort keys for mediators and institutions

Reviewed by hand. Adds `sort_name` to `mediator` ("last name, first name") and `institution`
(the name): the name folded so that plain byte order is DIN 5007-1 order (umlauts with their
base letter, ß as ss, case and accents ignored), and an index (sort_name, id) for the lists
that page by it. On PostgreSQL the column compares under COLLATE "C" (byte order whatever the
database's locale); SQLite compares bytes anyway. Every existing row is filled in batches.

The folding is copied here from app/textfold.py (`fold`, `sort_name`) as it was when this
revision was written: the app's copy may change later, this revision must not.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-08 10:00:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

LENGTH = 200
BATCH = 500
FIELDS = {
    'mediator': ('last_name', 'first_name'),
    'institution': ('name',),
}

_SPELLED = str.maketrans({
    "ß": "ss", "ẞ": "ss", "ı": "i", "İ": "i", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
    "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
    "ʿ": "", "ʾ": "", "ʼ": "", "ʻ": "", "‘": "", "’": "", "'": "", "`": "", "´": "",
})


def _fold(text):
    spelled = (text or "").translate(_SPELLED)
    decomposed = unicodedata.normalize("NFKD", spelled)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def sort_name(*parts):
    """The key as app.textfold.sort_name built it at this revision."""
    words = ("".join(ch if ch.isalnum() else " " for ch in _fold(p)).split() for p in parts)
    return "\t".join(" ".join(w) for w in words)[:LENGTH]


def _column_type():
    return sa.String(length=LENGTH).with_variant(
        sa.String(length=LENGTH, collation='C'), 'postgresql')


def _fill(conn, table, fields):
    t = sa.table(table, sa.column('id'), sa.column('sort_name'),
                 *(sa.column(f) for f in fields))
    update = (t.update().where(t.c.id == sa.bindparam('row_id'))
              .values(sort_name=sa.bindparam('key')))
    last = 0
    while True:
        rows = conn.execute(sa.select(t.c.id, *(t.c[f] for f in fields))
                            .where(t.c.id > last).order_by(t.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(update, [{'row_id': row[0], 'key': sort_name(*row[1:])} for row in rows])
        last = rows[-1][0]


def upgrade():
    conn = op.get_bind()
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sort_name', _column_type(), server_default='',
                                          nullable=False))
        _fill(conn, table, fields)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_sort_name', ['sort_name', 'id'], unique=False)


def downgrade():
    for table in FIELDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_sort_name')
            batch_op.drop_column('sort_name')
