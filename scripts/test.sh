#!/usr/bin/env bash
# Command 2: everything CI checks. Lint, typecheck, then every package's tests against a throwaway
# PostgreSQL (started by each package's test set-up unless DATABASE_URL is given) and PGlite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${USERSYNC_TOOLCHAIN_READY:-}" ]; then
  exec bash scripts/toolchain.sh env USERSYNC_TOOLCHAIN_READY=1 bash "${BASH_SOURCE[0]}" "$@"
fi

echo "== node $(node --version), pnpm $(pnpm --version)"
echo "== lint (biome)"
pnpm exec biome ci --colors=off .
echo "== typecheck"
pnpm exec turbo run typecheck --output-logs=errors-only
echo "== tests (real PostgreSQL + PGlite)"
pnpm exec turbo run test --concurrency=1 --output-logs=full
