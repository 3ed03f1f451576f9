#!/bin/sh
# SKM-Pool backup with rotation: run by skm-pool-backup.service (daily, skm-pool-backup.timer),
# or by hand as the app's user: `sudo -u skm-pool /srv/skm-pool/deploy/backup.sh`.
#
# DATABASE_URL (from /etc/skm-pool/env) decides how:
#   postgresql+psycopg://...  pg_dump --format=custom  -> $BACKUP_DIR/skm_pool-YYYYMMDD-HHMMSS.dump
#   sqlite:///path            flask backup (online API) -> $BACKUP_DIR/skm_pool-YYYYMMDD-HHMMSS.sqlite
# then all but the newest $BACKUP_KEEP backups of that kind are deleted (never anything else).
# Restore: docs/operations.md, "Backup and restore". Exit status is non-zero on any failure,
# and a failed dump leaves no partial file behind, so rotation never replaces good backups
# with broken ones.
set -eu

APP_DIR=${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
BACKUP_DIR=${BACKUP_DIR:-/var/backups/skm-pool}
BACKUP_KEEP=${BACKUP_KEEP:-14}
FLASK=${FLASK:-$APP_DIR/.venv/bin/flask}
: "${DATABASE_URL:?DATABASE_URL is not set (EnvironmentFile=/etc/skm-pool/env)}"

case "$BACKUP_KEEP" in
  ''|*[!0-9]*|0) echo "BACKUP_KEEP must be a whole number above 0, not '$BACKUP_KEEP'" >&2; exit 2 ;;
esac
umask 077  # backups hold every person's data: readable by the app's user only
mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%d-%H%M%S)

case "$DATABASE_URL" in
  postgresql*|postgres:*)
    # libpq does not know SQLAlchemy's driver suffix: postgresql+psycopg:// -> postgresql://
    url=$(printf '%s' "$DATABASE_URL" | sed -e 's|^postgresql+[a-z0-9]*://|postgresql://|' \
                                             -e 's|^postgres://|postgresql://|')
    target="$BACKUP_DIR/skm_pool-$stamp.dump"
    partial="$target.partial"
    trap 'rm -f "$partial"' EXIT
    pg_dump --format=custom --no-owner --file="$partial" --dbname="$url"
    pg_restore --list "$partial" >/dev/null  # a readable archive, or no backup at all
    mv "$partial" "$target"
    trap - EXIT
    pattern='skm_pool-*.dump'
    ;;
  sqlite:*)
    target="$BACKUP_DIR/skm_pool-$stamp.sqlite"
    (cd "$APP_DIR" && "$FLASK" --app wsgi backup "$target")
    pattern='skm_pool-*.sqlite'
    ;;
  *)
    echo "DATABASE_URL is neither PostgreSQL nor SQLite" >&2
    exit 2
    ;;
esac
echo "Backup written to $target ($(wc -c < "$target") bytes)."

# rotation: the names sort by time (UTC stamp); keep the newest $BACKUP_KEEP
# shellcheck disable=SC2012,SC2086
ls -1 "$BACKUP_DIR"/$pattern 2>/dev/null | sort -r | tail -n +"$((BACKUP_KEEP + 1))" |
  while IFS= read -r old; do
    rm -f -- "$old"
    echo "Removed old backup ${old##*/}."
  done
