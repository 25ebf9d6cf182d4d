#!/usr/bin/env bash
# Makes sure Debian's PgBouncer is there for the tests that run usersync through a transaction pooler
# (packages/core/src/testing/throwaway-pgbouncer.ts starts it in transaction mode, like Supabase's port
# 6543 and Neon's -pooler hosts). Does nothing when it is installed (or PGBOUNCER_BIN points at one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

bin="${PGBOUNCER_BIN:-/usr/sbin/pgbouncer}"
[ -x "$bin" ] && exit 0
if [ -n "${PGBOUNCER_BIN:-}" ]; then
  echo "ensure-pgbouncer: PGBOUNCER_BIN=$PGBOUNCER_BIN is not an executable" >&2
  exit 1
fi
apt_install "pooler tests" "Run: sudo apt-get install -y pgbouncer (or set PGBOUNCER_BIN)" pgbouncer
[ -x "$bin" ] || { echo "ensure-pgbouncer: install finished but $bin is missing" >&2; exit 1; }
echo "== $("$bin" --version | head -1)"
