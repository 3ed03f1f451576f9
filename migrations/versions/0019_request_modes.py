"""request modes: on site, by phone, by video; the modes a mediator takes; remote pay

Reviewed by hand. Adds `interpreting_request.mode` ('on_site' for every existing request,
with a named CHECK constraint), the video link and token, the phone number and who dials
(CHECK: empty, 'mediator' or 'institution'); `mediator.takes_on_site/phone/video` (existing
mediators keep today's behaviour: on site only); `allowance_rule.remote_time_percent`
(100: remote time is paid as on site). SQLite rebuilds the tables in batch mode. On
PostgreSQL the covering report index also carries `mode` (the statistics count requests
by mode from the same index-only scan; see migration 0009).

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-01 12:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0020'
branch_labels = None
depends_on = None

REQUEST_INCLUDE = ['institution_id', 'language_code', 'outcome', 'assigned_at', 'created_at',
                   'duration_minutes']


def _report_index(include):
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_interpreting_request_status_starts_at', table_name='interpreting_request')
    op.create_index('ix_interpreting_request_status_starts_at', 'interpreting_request',
                    ['status', 'starts_at'], postgresql_include=include)


def upgrade():
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), server_default='on_site',
                                      nullable=False))
        batch_op.add_column(sa.Column('meeting_url', sa.String(length=500), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('video_token', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('phone_number', sa.String(length=50), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('phone_caller', sa.String(length=20), server_default='',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_interpreting_request_mode'),
                                         "mode IN ('on_site', 'phone', 'video')")
        batch_op.create_check_constraint(
            op.f('ck_interpreting_request_phone_caller'),
            "phone_caller = '' OR phone_caller IN ('mediator', 'institution')")
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('takes_on_site', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.add_column(sa.Column('takes_phone', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('takes_video', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('allowance_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_time_percent', sa.Integer(), server_default='100',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_allowance_rule_remote_time_percent'),
                                         'remote_time_percent BETWEEN 0 AND 100')
    _report_index([*REQUEST_INCLUDE, 'mode'])


def downgrade():
    _report_index(REQUEST_INCLUDE)
    with op.batch_alter_table('allowance_rule', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_allowance_rule_remote_time_percent'), type_='check')
        batch_op.drop_column('remote_time_percent')
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.drop_column('takes_video')
        batch_op.drop_column('takes_phone')
        batch_op.drop_column('takes_on_site')
    with op.batch_alter_table('interpreting_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_interpreting_request_phone_caller'), type_='check')
        batch_op.drop_constraint(op.f('ck_interpreting_request_mode'), type_='check')
        for column in ('phone_caller', 'phone_number', 'video_token', 'meeting_url', 'mode'):
            batch_op.drop_column(column)
