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

# ensure_program <name> <override variable> <default path> "<why>" package...
# Exits 0 when the program (the variable's path, else the default) is executable; a variable naming a
# missing program is an error; otherwise installs the packages and checks the program is there.
ensure_program() {
  local name="$1" var="$2" default="$3" why="$4"
  shift 4
  local override="${!var:-}"
  local bin="${override:-$default}"
  [ -x "$bin" ] && return 0
  if [ -n "$override" ]; then
    echo "ensure-$name: $var=$override does not exist or is not executable" >&2
    return 1
  fi
  apt_install "$why" "Run: sudo apt-get install -y $1 (or set $var)" "$@"
  [ -x "$bin" ] || { echo "ensure-$name: install finished but $bin is missing" >&2; return 1; }
}
