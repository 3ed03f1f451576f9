"""feed notify: PostgreSQL tells every worker which calendar feeds a commit may have changed

Reviewed by hand. Statement-level triggers (with transition tables, so a bulk COPY costs one
call, not one per row) send `NOTIFY skm_feed, '<scopes>'` on every table a feed's text or
ETag depends on. A scope names whose feeds are touched: `u:<user id>` (the owner row: secret,
language, enabled), `m:<mediator id>`, `i:<institution id>`, `c` (coordinators) or `all`
(meetings, mediators' and institutions' own rows, which appear in many feeds; and any
statement touching more than 200 scopes). NOTIFY is transactional: a rolled-back change
notifies nobody, a committed one is delivered after the commit. The listener in
app/services/calendar/feed_listener.py keeps each worker's memory of polls current.
SQLite has no NOTIFY: there the migration does nothing and every poll asks the database.

Revision ID: 0024
Revises: 0016
Create Date: 2026-12-01 12:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0016'
branch_labels = None
depends_on = None

CHANNEL = 'skm_feed'
MAX_SCOPES = 200
# table -> SELECT of the scopes of the rows in the transition table `t` (None: 'all')
SCOPED = {
    'app_user': "SELECT 'u:' || t.id FROM {rows} t",
    'assignment': (
        "SELECT 'm:' || t.mediator_id FROM {rows} t"
        " UNION SELECT 'i:' || r.institution_id FROM {rows} t"
        " JOIN interpreting_request r ON r.id = t.request_id"
        " UNION SELECT 'c' FROM {rows} t"),
    'interpreting_request': (
        "SELECT 'i:' || t.institution_id FROM {rows} t"
        " UNION SELECT 'm:' || a.mediator_id FROM {rows} t"
        " JOIN assignment a ON a.request_id = t.id"
        " UNION SELECT 'c' FROM {rows} t"),
    'supervision_member': "SELECT 'm:' || t.mediator_id FROM {rows} t",
}
EVERYONE = ('institution', 'mediator', 'meeting', 'meeting_series')
EVENTS = {'ins': ('INSERT', 'REFERENCING NEW TABLE AS new_rows'),
          'upd': ('UPDATE', 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'),
          'del': ('DELETE', 'REFERENCING OLD TABLE AS old_rows')}


def _scoped_function(table: str, select: str) -> str:
    # plpgsql plans each statement on first use, so the DELETE trigger never touches new_rows
    return f"""
CREATE OR REPLACE FUNCTION skm_feed_notify_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE scopes text[] := '{{}}';
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    scopes := scopes || ARRAY({select.format(rows='new_rows')});
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    scopes := scopes || ARRAY({select.format(rows='old_rows')});
  END IF;
  PERFORM skm_feed_send(scopes);
  RETURN NULL;
END $$"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f"""
CREATE OR REPLACE FUNCTION skm_feed_send(scopes text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE unique_scopes text[] := ARRAY(SELECT DISTINCT s FROM unnest(scopes) AS s);
BEGIN
  IF cardinality(unique_scopes) = 0 THEN
    RETURN;
  ELSIF cardinality(unique_scopes) > {MAX_SCOPES} THEN
    PERFORM pg_notify('{CHANNEL}', 'all');
  ELSE
    PERFORM pg_notify('{CHANNEL}', array_to_string(unique_scopes, ','));
  END IF;
END $$""")
    op.execute(f"""
CREATE OR REPLACE FUNCTION skm_feed_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', 'all');
  RETURN NULL;
END $$""")
    for table, select in SCOPED.items():
        op.execute(_scoped_function(table, select))
        for suffix, (event, referencing) in EVENTS.items():
            op.execute(f"CREATE TRIGGER skm_feed_{table}_{suffix} AFTER {event} ON {table} "
                       f"{referencing} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION skm_feed_notify_{table}()")
    for table in EVERYONE:
        op.execute(f"CREATE TRIGGER skm_feed_{table}_all AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION skm_feed_notify_all()")
    for table in (*SCOPED, *EVERYONE):
        op.execute(f"CREATE TRIGGER skm_feed_{table}_truncate AFTER TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION skm_feed_notify_all()")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in SCOPED:
        for suffix in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS skm_feed_{table}_{suffix} ON {table}")
    for table in EVERYONE:
        op.execute(f"DROP TRIGGER IF EXISTS skm_feed_{table}_all ON {table}")
    for table in (*SCOPED, *EVERYONE):
        op.execute(f"DROP TRIGGER IF EXISTS skm_feed_{table}_truncate ON {table}")
    for table in SCOPED:
        op.execute(f"DROP FUNCTION IF EXISTS skm_feed_notify_{table}()")
    op.execute("DROP FUNCTION IF EXISTS skm_feed_notify_all()")
    op.execute("DROP FUNCTION IF EXISTS skm_feed_send(text[])")
