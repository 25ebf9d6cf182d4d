#!/usr/bin/env bash
# Command 1: run the product locally. Installs what is missing, then runs the API (which migrates the
# embedded database, or DATABASE_URL, on start) and the SPA in development mode (scripts/dev.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec bash scripts/toolchain.sh node scripts/dev.ts
