#!/usr/bin/env bash
# Command 2: everything CI checks. Lint, typecheck, then every package's tests against a throwaway
# PostgreSQL (started by each package's test set-up unless DATABASE_URL is given) and PGlite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${USERSYNC_TOOLCHAIN_READY:-}" ]; then
  exec bash scripts/toolchain.sh env USERSYNC_TOOLCHAIN_READY=1 bash "${BASH_SOURCE[0]}" "$@"
fi

# Each vitest run also writes a JSON report; the totals are printed at the end, pass or fail.
find . -name .vitest-report.json -not -path '*/node_modules/*' -delete
summary() { node scripts/test-summary.ts || true; }
trap summary EXIT

echo "== node $(node --version), pnpm $(pnpm --version)"
echo "== lint (biome)"
pnpm exec biome ci --colors=off .
echo "== typecheck"
pnpm exec turbo run typecheck --output-logs=errors-only
echo "== tests (real PostgreSQL + PGlite)"
bash scripts/ensure-postgres.sh
bash scripts/ensure-pgbouncer.sh
bash scripts/ensure-chromium.sh
pnpm exec turbo run test --concurrency=1 --continue --output-logs=full -- --reporter=default --reporter=json --outputFile.json=.vitest-report.json
