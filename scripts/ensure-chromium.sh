#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the web app's end-to-end test (playwright-core drives
# it; `npx playwright install` cannot download browsers here). CI machines start without it.
# Does nothing when /usr/bin/chromium (or $CHROMIUM_PATH) already exists.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

target="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$target" ] && exit 0
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH does not exist or is not executable" >&2
  exit 1
fi
apt_install "end-to-end test" "Run: sudo apt-get install -y chromium (or set CHROMIUM_PATH)" chromium fonts-dejavu-core
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: install finished but /usr/bin/chromium is missing" >&2; exit 1; }
echo "== $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
