"""session version and link version on app_user: sessions and links that really end

Reviewed by hand. `session_version` is part of the Flask-Login id kept in the session and in
the remember cookie; raising it (logout, password change or reset, the coordinator's "end all
sessions") makes every cookie issued before invalid. `link_version` is part of every
invitation and reset link, so a newer link kills the older ones. Existing rows start at 1/0;
sessions from before this migration carry no version and must log in once more.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('link_version', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('link_version')
        batch_op.drop_column('session_version')
