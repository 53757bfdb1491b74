#!/usr/bin/env bash
# Opens the notebooks in JupyterLab with the project's tslab kernel, using the Python scripts/setup-jupyter.sh recorded
# (.jupyter/python-path: the project's .venv/ by default). Where the set-up had to fall back to Debian's packages (no
# JupyterLab), the classic Notebook opens instead. Extra arguments go to Jupyter (e.g. --port=8890 --no-browser).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python_bin="${BEDROCK_BENCH_PYTHON:-$(cat "$root/.jupyter/python-path" 2>/dev/null || echo python3)}"
export JUPYTER_PATH="$root/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
extra=()
# Jupyter refuses to start as root without --allow-root (containers, CI machines).
[ "$(id -u)" = 0 ] && extra+=(--allow-root)
cd "$root/notebooks"
if "$python_bin" -c 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("jupyterlab") else 1)' >/dev/null 2>&1; then
  exec "$python_bin" -m jupyterlab "${extra[@]}" "$@"
fi
echo "jupyter: JupyterLab is not installed for $python_bin; opening the classic Notebook (see 'npm run setup')." >&2
exec "$python_bin" -m notebook "${extra[@]}" "$@"
