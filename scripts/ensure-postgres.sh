#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries are there for the tests' throwaway clusters. Does nothing when
# DATABASE_URL is given (tests then use that server) or when initdb/pg_ctl exist in PG_BIN
# (default /usr/lib/postgresql/15/bin). Otherwise installs Debian's postgresql-15.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

[ -n "${DATABASE_URL:-}" ] && exit 0
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[ -x "$bin/pg_ctl" ] && [ -x "$bin/initdb" ] && exit 0
if [ -n "${PG_BIN:-}" ]; then
  echo "ensure-postgres: PG_BIN=$PG_BIN has no initdb/pg_ctl" >&2
  exit 1
fi
# Only the server binaries are used (private clusters on free ports).
apt_install "test databases" "Run: sudo apt-get install -y postgresql-15 (or set PG_BIN, or DATABASE_URL)" postgresql-15
[ -x "$bin/pg_ctl" ] || { echo "ensure-postgres: install finished but $bin/pg_ctl is missing" >&2; exit 1; }
echo "== $("$bin/postgres" --version)"
