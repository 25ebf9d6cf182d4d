#!/usr/bin/env bash
# Command 1: run the product locally. Installs what is missing, migrates the embedded database (or
# DATABASE_URL) and starts the API and the SPA in development mode.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec bash scripts/toolchain.sh turbo run dev --filter=@usersync/api --filter=@usersync/web
