#!/usr/bin/env bash
# Opens the notebooks in JupyterLab (if installed) or the classic Notebook, with the project's tslab kernel.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python_bin="$(cat "$root/.jupyter/python-path" 2>/dev/null || echo python3)"
export JUPYTER_PATH="$root/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
cd "$root/notebooks"
if "$python_bin" -c 'import jupyterlab' >/dev/null 2>&1; then
  exec "$python_bin" -m jupyterlab "$@"
fi
exec "$python_bin" -m notebook "$@"
