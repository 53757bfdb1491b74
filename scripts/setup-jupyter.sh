#!/usr/bin/env bash
# Installs what the notebooks need and registers the tslab kernel into this project (.jupyter/), touching nothing global
# but Debian packages. Idempotent and quiet when everything is already there.
#
#   bash scripts/setup-jupyter.sh              Jupyter (nbconvert, kernel client, classic Notebook) + the tslab kernel
#   bash scripts/setup-jupyter.sh --chromium   also Debian's Chromium, which the tests use to check exported reports
#
# Python: $BEDROCK_BENCH_PYTHON if set, else the first of /usr/bin/python3, python3 that can import nbconvert and ipykernel.
# Missing Jupyter is installed with apt-get (Debian/Ubuntu, as root or with password-less sudo); elsewhere the script says
# what to install with pip and stops.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_chromium=0
for arg in "$@"; do
  case "$arg" in
    --chromium) want_chromium=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "setup-jupyter: unknown option '$arg' (expected --chromium)" >&2; exit 2 ;;
  esac
done

say() { echo "setup-jupyter: $*" >&2; }

has_jupyter() { "$1" -c 'import nbconvert, nbclient, ipykernel, jupyter_client' >/dev/null 2>&1; }

find_python() {
  local candidates=()
  [ -n "${BEDROCK_BENCH_PYTHON:-}" ] && candidates+=("$BEDROCK_BENCH_PYTHON")
  candidates+=(/usr/bin/python3 python3)
  local py
  for py in "${candidates[@]}"; do
    if command -v "$py" >/dev/null 2>&1 && has_jupyter "$py"; then command -v "$py"; return 0; fi
  done
  return 1
}

apt_prefix=""
can_apt() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$(id -u)" = 0 ]; then apt_prefix=""; return 0; fi
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then apt_prefix="sudo -n"; return 0; fi
  return 1
}

apt_updated=0
apt_install() {
  say "installing Debian packages: $*"
  if [ "$apt_updated" = 0 ]; then
    $apt_prefix apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $apt_prefix apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

python_bin="$(find_python || true)"
if [ -z "$python_bin" ]; then
  if can_apt; then
    apt_install jupyter-nbconvert jupyter-client python3-ipykernel jupyter-notebook python3-nbclient
    python_bin="$(find_python || true)"
  fi
  if [ -z "$python_bin" ]; then
    cat >&2 <<'EOF'
setup-jupyter: Jupyter was not found and cannot be installed with apt-get here.
  Install it with pip into the Python you use, then run this script again:
      python3 -m pip install jupyterlab nbconvert nbclient ipykernel
  (or set BEDROCK_BENCH_PYTHON to a Python that has them).
EOF
    exit 1
  fi
fi

if [ "$want_chromium" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if can_apt; then
    apt_install chromium
  else
    say "Chromium is needed to check exported reports in the tests; install it (Debian: apt-get install chromium)."
    exit 1
  fi
fi

# Register the tslab kernel into the project-local prefix. Re-register when the recorded paths are stale
# (a fresh clone in another folder, another Python).
tslab_bin="$root/node_modules/.bin/tslab"
if [ ! -x "$tslab_bin" ]; then
  say "node_modules/.bin/tslab is missing: run 'npm ci' (or 'npm install') first."
  exit 1
fi
prefix="$root/.jupyter"
kernel_json="$prefix/share/jupyter/kernels/tslab/kernel.json"
if [ ! -f "$kernel_json" ] || ! grep -qF "$tslab_bin" "$kernel_json"; then
  "$tslab_bin" install --python "$python_bin" --binary "$tslab_bin" --prefix "$prefix" >/dev/null
  say "registered the tslab kernel in $prefix"
fi
mkdir -p "$prefix"
printf '%s\n' "$python_bin" > "$prefix/python-path"
