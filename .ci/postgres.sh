#!/usr/bin/env bash
# A local PostgreSQL for CI and benchmarks (as root, no systemd): sourced by .ci/run and make bench.

start_postgres() {  # start_postgres [DATABASE]: the cluster (as root), the devopslearn role, the database
  local database=${1:-devopslearn}
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^${version} main"; then
    pg_createcluster "$version" main >/dev/null
  fi
  pg_ctlcluster "$version" main start 2>/dev/null || pg_ctlcluster "$version" main status >/dev/null
  for _ in $(seq 1 30); do su postgres -c "pg_isready -q" && break; sleep 1; done
  su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'devopslearn') THEN
    CREATE ROLE devopslearn LOGIN PASSWORD 'devopslearn' CREATEDB;
  END IF;
END $$;
SQL
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = '$database'\"" | grep -q 1 \
    || su postgres -c "createdb -O devopslearn $database"
}
