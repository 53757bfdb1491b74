#!/usr/bin/env bash
# Installs what the notebooks need and registers the tslab kernel into this project (.jupyter/), touching nothing global
# but Debian packages. Idempotent and quiet when everything is already there.
#
#   bash scripts/setup-jupyter.sh              JupyterLab, nbconvert, nbclient, ipykernel in .venv/ + the tslab kernel
#   bash scripts/setup-jupyter.sh --chromium   also Debian's Chromium, which the tests use (exported reports, JupyterLab)
#
# Python, the first that applies:
#   1. $BEDROCK_BENCH_PYTHON, if it can import Jupyter (yours to install);
#   2. the project's virtual environment .venv/ (git-ignored): created with `python3 -m venv` and filled with
#      `pip install jupyterlab nbconvert nbclient ipykernel` (short network timeouts: an unreachable index fails in
#      seconds, not minutes). On Debian/Ubuntu a missing `python3-venv` is installed with apt-get first;
#   3. only where pip or venv cannot be used: Debian's packages (classic Notebook 6, nbconvert, nbclient, ipykernel)
#      with /usr/bin/python3. The reason is kept in .jupyter/no-venv; delete that file to try the venv again.
# The chosen Python is recorded in .jupyter/python-path: `npm run jupyter`, the headless notebook runner and the tests
# all use it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_chromium=0
for arg in "$@"; do
  case "$arg" in
    --chromium) want_chromium=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "setup-jupyter: unknown option '$arg' (expected --chromium)" >&2; exit 2 ;;
  esac
done

say() { echo "setup-jupyter: $*" >&2; }

prefix="$root/.jupyter"
venv="$root/.venv"
venv_python="$venv/bin/python"
no_venv_marker="$prefix/no-venv"
pip_log="$prefix/pip-install.log"
PY_PACKAGES=(jupyterlab nbconvert nbclient ipykernel)

# Whether a Python has the modules (found, not imported: importing JupyterLab takes seconds; a fresh install is imported once).
has_modules() {
  local py="$1"; shift
  "$py" -c 'import sys, importlib.util as u; sys.exit(0 if all(u.find_spec(m) for m in sys.argv[1:]) else 1)' "$@" >/dev/null 2>&1
}
has_jupyter() { has_modules "$1" nbconvert nbclient ipykernel jupyter_client; }
has_lab() { has_modules "$1" jupyterlab nbconvert nbclient ipykernel jupyter_client; }

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

# The Python to build the venv from: /usr/bin/python3 (Debian's), else python3 on the PATH.
base_python() {
  local py
  for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; assert sys.version_info >= (3, 9)' >/dev/null 2>&1; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

# Can `python -m venv` make a venv with pip? (Debian splits ensurepip into python3-venv / python3.X-venv.)
can_venv() { "$1" -c 'import venv, ensurepip' >/dev/null 2>&1; }

venv_failed() {
  mkdir -p "$prefix"
  printf '%s\n' "$*" > "$no_venv_marker"
  say "cannot use pip in a virtual environment: $*"
  say "falling back to Debian's packages (classic Notebook, no JupyterLab); delete .jupyter/no-venv to try again."
}

# Creates .venv/ and installs Jupyter into it. Returns non-zero (and says why) when venv or pip cannot be used.
make_venv() {
  local py
  if ! py="$(base_python)"; then venv_failed "no python3 (3.9 or later) found"; return 1; fi
  if ! can_venv "$py"; then
    if can_apt; then
      local minor
      minor="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
      # python3-venv is the default Python's; python3.X-venv the exact version's (one of them exists on Debian/Ubuntu).
      apt_install python3-venv || apt_install "python$minor-venv" || true
    fi
    if ! can_venv "$py"; then venv_failed "$py lacks the venv/ensurepip modules (Debian: apt-get install python3-venv)"; return 1; fi
  fi
  mkdir -p "$prefix"
  if [ ! -x "$venv_python" ]; then
    rm -rf "$venv"
    if ! "$py" -m venv "$venv" >"$pip_log" 2>&1; then
      rm -rf "$venv"
      venv_failed "'$py -m venv .venv' failed (see .jupyter/pip-install.log)"
      return 1
    fi
  fi
  say "installing ${PY_PACKAGES[*]} into .venv/ with pip (log: .jupyter/pip-install.log)"
  # Short network timeouts: on machines where the default index is unreachable, each attempt fails in seconds.
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv_python" -m pip install --timeout 5 --retries 0 --quiet --progress-bar off \
      "${PY_PACKAGES[@]}" >>"$pip_log" 2>&1 ||
    ! "$venv_python" -c 'import jupyterlab, nbconvert, nbclient, ipykernel, jupyter_client' >>"$pip_log" 2>&1; then
    tail -n 5 "$pip_log" | sed 's/^/    /' >&2 || true
    venv_failed "pip install ${PY_PACKAGES[*]} failed (see .jupyter/pip-install.log)"
    return 1
  fi
  rm -f "$no_venv_marker"
  say "JupyterLab $("$venv_python" -c 'import jupyterlab; print(jupyterlab.__version__)') installed in .venv/"
}

# Debian's Jupyter (the fallback): the first of /usr/bin/python3, python3 that has it, installed with apt-get if missing.
debian_python() {
  local py
  for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 && has_jupyter "$py"; then command -v "$py"; return 0; fi
  done
  if can_apt; then
    apt_install jupyter-nbconvert jupyter-client python3-ipykernel jupyter-notebook python3-nbclient
    for py in /usr/bin/python3 python3; do
      if command -v "$py" >/dev/null 2>&1 && has_jupyter "$py"; then command -v "$py"; return 0; fi
    done
  fi
  return 1
}

python_bin=""
if [ -n "${BEDROCK_BENCH_PYTHON:-}" ]; then
  if ! has_jupyter "$BEDROCK_BENCH_PYTHON"; then
    say "BEDROCK_BENCH_PYTHON=$BEDROCK_BENCH_PYTHON cannot import nbconvert, nbclient, ipykernel and jupyter_client."
    say "install them into it ($BEDROCK_BENCH_PYTHON -m pip install ${PY_PACKAGES[*]}) or unset BEDROCK_BENCH_PYTHON."
    exit 1
  fi
  python_bin="$(command -v "$BEDROCK_BENCH_PYTHON")"
elif [ -x "$venv_python" ] && has_lab "$venv_python"; then
  python_bin="$venv_python"
elif [ ! -f "$no_venv_marker" ] && make_venv; then
  python_bin="$venv_python"
else
  python_bin="$(debian_python || true)"
  if [ -z "$python_bin" ]; then
    cat >&2 <<EOF
setup-jupyter: Jupyter could not be installed: neither pip in a virtual environment nor apt-get worked here.
  Install it with pip into a Python of yours, then run this script again with that Python:
      python3 -m venv ~/.venvs/jupyter && ~/.venvs/jupyter/bin/pip install ${PY_PACKAGES[*]}
      BEDROCK_BENCH_PYTHON=~/.venvs/jupyter/bin/python npm run setup
EOF
    exit 1
  fi
fi

if [ "$want_chromium" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if can_apt; then
    apt_install chromium
  else
    say "Chromium is needed by the tests (exported reports, JupyterLab); install it (Debian: apt-get install chromium)."
    exit 1
  fi
fi

# Register the tslab kernel into the project-local prefix. Re-register when the recorded paths are stale
# (a fresh clone in another folder) or the kernel was registered by another Python.
tslab_bin="$root/node_modules/.bin/tslab"
if [ ! -x "$tslab_bin" ]; then
  say "node_modules/.bin/tslab is missing: run 'npm ci' (or 'npm install') first."
  exit 1
fi
mkdir -p "$prefix"
kernel_json="$prefix/share/jupyter/kernels/tslab/kernel.json"
recorded="$(cat "$prefix/python-path" 2>/dev/null || true)"
if [ ! -f "$kernel_json" ] || ! grep -qF "$tslab_bin" "$kernel_json" || [ "$recorded" != "$python_bin" ]; then
  "$tslab_bin" install --python "$python_bin" --binary "$tslab_bin" --prefix "$prefix" >/dev/null
  say "registered the tslab kernel in .jupyter/ for $python_bin"
fi
printf '%s\n' "$python_bin" > "$prefix/python-path"
