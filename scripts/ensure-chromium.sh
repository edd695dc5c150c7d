#!/usr/bin/env bash
# Make sure a Chromium browser is installed (the browser tests drive it headless, through Playwright).
# Installs Debian's chromium package when it can (root, or sudo without a password); otherwise says how.
# Never downloads a browser any other way (no `playwright install`). With --optional a missing Chromium is
# a warning, not a failure. TG_CHROMIUM may name the program to use instead.
set -euo pipefail

found() {
  if [ -n "${TG_CHROMIUM:-}" ]; then [ -x "$TG_CHROMIUM" ]; return; fi
  [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}
found && exit 0

optional=false
[ "${1:-}" = "--optional" ] && optional=true

# shellcheck source=apt-install.sh
. "$(dirname "$0")/apt-install.sh"
if [ -z "${TG_CHROMIUM:-}" ]; then
  echo "Chromium is missing (the browser tests need it)."
  apt_install chromium && found && exit 0
fi

message="Chromium is needed by the browser tests (tests/test_explorer_browser.py) and could not be installed here.
Install it with your package manager, e.g.:
  Debian: sudo apt-get install chromium            Ubuntu: sudo apt-get install chromium-browser
  Fedora: sudo dnf install chromium                macOS: brew install --cask chromium
or set TG_CHROMIUM to a Chromium program. (Playwright, from the test extra, is only the driver.)"
if $optional; then
  echo "warning: $message" >&2
  exit 0
fi
echo "error: $message" >&2
exit 1
