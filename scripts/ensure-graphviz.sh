#!/usr/bin/env bash
# Make sure Graphviz's `dot` is on the PATH (tensorgrad draws graphs with it).
# Installs Debian's graphviz package when it can (root, or sudo without a password); otherwise says how.
# With --optional a missing `dot` is a warning, not a failure.
set -euo pipefail
command -v dot >/dev/null 2>&1 && exit 0

optional=false
[ "${1:-}" = "--optional" ] && optional=true

install() {  # two tries: a package mirror can fail once
  echo "Graphviz's dot is missing: installing Debian's graphviz package..."
  for _ in 1 2; do
    $1 apt-get update -qq && DEBIAN_FRONTEND=noninteractive $1 apt-get install -y -qq graphviz >/dev/null && return 0
    sleep 5
  done
  return 1
}

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    install "" && command -v dot >/dev/null 2>&1 && exit 0
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    install "sudo" && command -v dot >/dev/null 2>&1 && exit 0
  fi
fi

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
