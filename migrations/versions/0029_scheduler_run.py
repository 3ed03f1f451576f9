"""scheduler run: when the acting scheduler last ran each job, and its heartbeat

Reviewed by hand. /metrics reports the scheduler's heartbeat and each job's last run so an
operator can alert on a silent scheduler; the scheduler is its own process, so it leaves
those times in this table (one row per job id). A new, empty table: no row changes.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 13:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduler_run',
        sa.Column('job', sa.String(length=60), nullable=False),
        sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_ok_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('holder', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('job', name=op.f('pk_scheduler_run')),
    )


def downgrade():
    op.drop_table('scheduler_run')
