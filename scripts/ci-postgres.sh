#!/usr/bin/env bash
# A local PostgreSQL for `npm run test:pg` (CI and developers): installs the Debian package when
# missing, starts the cluster, creates the role `complaint` (allowed to create the per-test
# databases) and the database `complaint_desk`, drops test databases left by earlier runs, and
# prints the URL to export as TEST_DATABASE_URL on its last line. Safe to run again.
# Usage: export TEST_DATABASE_URL="$(scripts/ci-postgres.sh | tail -n 1)"
set -euo pipefail

PG_USER="${PG_USER:-complaint}"
PG_PASSWORD="${PG_PASSWORD:-complaint}"
PG_DB="${PG_DB:-complaint_desk}"
PG_PORT="${PG_PORT:-5432}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root su postgres -c "$1"; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing postgresql…" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  as_root pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  as_root pg_ctlcluster "$VERSION" main start >&2
fi
for _ in $(seq 1 30); do
  as_postgres "psql -p $PG_PORT -tAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done

psql_admin() { as_postgres "psql -p $PG_PORT -v ON_ERROR_STOP=1 -tAc \"$1\""; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != "1" ]; then
  psql_admin "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >&2
else
  psql_admin "ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >&2
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
  psql_admin "CREATE DATABASE $PG_DB OWNER $PG_USER" >&2
fi
# Databases made by earlier test runs (test/support/db.ts names them cdt_…).
for db in $(psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'cdt\\_%'"); do
  psql_admin "DROP DATABASE IF EXISTS \\\"$db\\\" WITH (FORCE)" >/dev/null 2>&1 || true
done

echo "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
