#!/usr/bin/env bash
# Make sure Graphviz's `dot` is on the PATH (tensorgrad draws graphs with it).
# Installs Debian's graphviz package when it can (root, or sudo without a password); otherwise says how.
# With --optional a missing `dot` is a warning, not a failure.
set -euo pipefail
command -v dot >/dev/null 2>&1 && exit 0

optional=false
[ "${1:-}" = "--optional" ] && optional=true

# shellcheck source=apt-install.sh
. "$(dirname "$0")/apt-install.sh"
echo "Graphviz's dot is missing."
apt_install graphviz && command -v dot >/dev/null 2>&1 && exit 0

message="Graphviz's 'dot' program is needed to render graphs and could not be installed here.
Install it with your package manager, e.g.:
  Debian/Ubuntu: sudo apt-get install graphviz     macOS: brew install graphviz
  Fedora: sudo dnf install graphviz                conda: conda install graphviz"
if $optional; then
  echo "warning: $message" >&2
  exit 0
fi
echo "error: $message" >&2
exit 1
