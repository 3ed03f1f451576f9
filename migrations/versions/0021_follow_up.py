"""after the appointment: follow-up mails, ratings, debriefs, assumed completion

Reviewed by hand. Three new tables (follow_up, rating, debrief) and one flag on the
assignment, added with a server default so existing rows read False. SQLite alters in batch
mode.

Revision ID: 0021
Revises: 0024
Create Date: 2026-12-01 12:40:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follow_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answer', sa.String(length=30), nullable=False),
        sa.CheckConstraint("audience IN ('institution', 'mediator')",
                           name=op.f('ck_follow_up_audience')),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                                name=op.f('fk_follow_up_assignment_id_assignment'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
        sa.UniqueConstraint('assignment_id', 'audience',
                            name=op.f('uq_follow_up_assignment_id_audience')),
    )
    op.create_index('ix_follow_up_answered_at_sent_at', 'follow_up', ['answered_at', 'sent_at'])
    op.create_table(
        'rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('stars', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_rating_stars')),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'],
                                name=op.f('fk_rating_created_by_id_app_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['interpreting_request.id'],
                                name=op.f('fk_rating_request_id_interpreting_request'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rating')),
        sa.UniqueConstraint('request_id', name=op.f('uq_rating_request_id')),
    )
    op.create_index(op.f('ix_rating_created_at'), 'rating', ['created_at'])
    op.create_table(
        'debrief',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('burdened', sa.Boolean(), nullable=False),
        sa.Column('share_content', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('follow_up_note', sa.Text(), nullable=False),
        sa.Column('follow_up_done', sa.Boolean(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                                name=op.f('fk_debrief_assignment_id_assignment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'],
                                name=op.f('fk_debrief_meeting_id_meeting'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_debrief')),
        sa.UniqueConstraint('assignment_id', name=op.f('uq_debrief_assignment_id')),
    )
    op.create_index('ix_debrief_burdened_done', 'debrief', ['burdened', 'follow_up_done'])
    op.create_index(op.f('ix_debrief_created_at'), 'debrief', ['created_at'])
    op.create_index(op.f('ix_debrief_meeting_id'), 'debrief', ['meeting_id'])
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_assumed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('completion_assumed')
    op.drop_table('debrief')
    op.drop_table('rating')
    op.drop_table('follow_up')
