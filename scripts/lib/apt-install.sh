# Sourced by the ensure-*.sh scripts: installs Debian packages as root, or through passwordless sudo.
# apt_install "<why, for messages>" "<hint if it cannot>" package...
apt_install() {
  local why="$1" hint="$2"
  shift 2
  local sudo=()
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "$why: installing $* needs root. $hint" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$why: apt-get is not available to install $*. $hint" >&2
    return 1
  fi
  echo "== installing Debian $* ($why)"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
