#!/usr/bin/env bash
# Makes sure Debian's PgBouncer is there for the tests that run usersync through a transaction pooler
# (packages/core/src/testing/throwaway-pgbouncer.ts starts it in transaction mode, like Supabase's port
# 6543 and Neon's -pooler hosts). Does nothing when it is installed (or PGBOUNCER_BIN points at one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

ensure_program pgbouncer PGBOUNCER_BIN /usr/sbin/pgbouncer "pooler tests" pgbouncer
