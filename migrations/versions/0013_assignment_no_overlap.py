"""assignment no overlap: PostgreSQL refuses two overlapping active assignments of a mediator

Reviewed by hand. Booking keeps its row locks and overlap check (app.services.booking.
assignments); this exclusion constraint is the database's own guarantee behind them, so a
future code path that forgets the lock still cannot double-book anyone. It needs the
btree_gist extension (for `mediator_id WITH =` in a GiST index; a trusted extension since
PostgreSQL 13, so the database owner may create it). Half-open ranges [starts_at, ends_at):
back-to-back appointments are allowed, as in the service's check.

Before adding it, the migration looks for rows that already overlap and stops with their ids,
so an operator can resolve them (cancel one) instead of reading a bare constraint error.
SQLite has no exclusion constraints: there the migration does nothing and the service's check
under SQLite's single write lock is the guarantee.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NAME = 'ex_assignment_mediator_overlap'
OVERLAPS = sa.text(
    "SELECT a.id, b.id FROM assignment a JOIN assignment b"
    " ON a.mediator_id = b.mediator_id AND a.id < b.id"
    " AND a.status = 'active' AND b.status = 'active'"
    " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
    " ORDER BY a.id, b.id LIMIT 20"
)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
    pairs = bind.execute(OVERLAPS).all()
    if pairs:
        listed = ', '.join(f'{a}/{b}' for a, b in pairs)
        raise RuntimeError(
            f'assignments overlap for the same mediator (assignment ids {listed}); '
            'cancel one of each pair, then run the migration again')
    # the same DDL the model's ExcludeConstraint compiles to (app/models/request.py)
    op.execute(
        f"ALTER TABLE assignment ADD CONSTRAINT {NAME} EXCLUDE USING gist "
        "(mediator_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status = 'active')"
    )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_constraint(NAME, 'assignment')
    # btree_gist stays: other objects of the database may use it, and it costs nothing
