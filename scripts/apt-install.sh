# Sourced by the ensure-*.sh scripts: apt_install PACKAGE installs one of Debian's packages when this machine
# can (apt-get, and root or sudo without a password), with a second try because a mirror can fail once.
# Returns non-zero where it could not; the caller then says how to install by hand.
apt_install() {
  local sudo=""
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
    sudo="sudo"
  fi
  echo "installing Debian's $1 package..."
  for _ in 1 2; do
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null && return 0
    sleep 5
  done
  return 1
}
