#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the web app's end-to-end test (playwright-core drives
# it; `npx playwright install` cannot download browsers here). CI machines start without it.
# Does nothing when /usr/bin/chromium (or $CHROMIUM_PATH) already exists.
set -euo pipefail

target="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$target" ]; then
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH does not exist or is not executable" >&2
  exit 1
fi

if [ "$(id -u)" = "0" ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ensure-chromium: /usr/bin/chromium is missing and installing it needs root." >&2
  echo "  Run: sudo apt-get update && sudo apt-get install -y chromium   (or set CHROMIUM_PATH)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: /usr/bin/chromium is missing and apt-get is not available; install Chromium and set CHROMIUM_PATH." >&2
  exit 1
fi

echo "== installing Debian chromium for the end-to-end test (about 20 s)"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: install finished but /usr/bin/chromium is missing" >&2; exit 1; }
echo "== $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
