#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries are there for the tests' throwaway clusters. Does nothing when
# DATABASE_URL is given (tests then use that server) or when initdb/pg_ctl exist in PG_BIN
# (default /usr/lib/postgresql/15/bin). Otherwise installs Debian's postgresql-15 (needs root or sudo).
set -euo pipefail

[ -n "${DATABASE_URL:-}" ] && exit 0
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[ -x "$bin/pg_ctl" ] && [ -x "$bin/initdb" ] && exit 0
if [ -n "${PG_BIN:-}" ]; then
  echo "ensure-postgres: PG_BIN=$PG_BIN has no initdb/pg_ctl" >&2
  exit 1
fi

if [ "$(id -u)" = "0" ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ensure-postgres: $bin is missing and installing PostgreSQL needs root." >&2
  echo "  Run: sudo apt-get install -y postgresql-15   (or set PG_BIN, or DATABASE_URL to a server)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgres: $bin is missing and apt-get is not available; set PG_BIN or DATABASE_URL." >&2
  exit 1
fi

echo "== installing Debian postgresql-15 for the tests' throwaway clusters"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# Only the server binaries are used (private clusters on free ports); a packaged cluster may be created too.
"${sudo[@]}" apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
[ -x "$bin/pg_ctl" ] || { echo "ensure-postgres: install finished but $bin/pg_ctl is missing" >&2; exit 1; }
echo "== $("$bin/postgres" --version)"
