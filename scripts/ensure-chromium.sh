#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the web app's end-to-end test (playwright-core drives
# it; `npx playwright install` cannot download browsers here). CI machines start without it.
# Does nothing when /usr/bin/chromium (or $CHROMIUM_PATH) already exists.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

ensure_program chromium CHROMIUM_PATH /usr/bin/chromium "end-to-end test" chromium fonts-dejavu-core
