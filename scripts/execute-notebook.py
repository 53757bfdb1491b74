#!/usr/bin/env python3
"""Runs a notebook headless with the tslab kernel and exports it to a self-contained HTML file (the `offline` template).

Usage: execute-notebook.py NOTEBOOK OUTPUT_HTML TEMPLATE_DIR TIMEOUT_SEC

Exit 0: every cell ran. Exit 3: a cell failed or timed out; which cell and the error text (tslab writes an exception to
the cell's stderr, not to the error reply) go to stderr, and the partly executed notebook is still exported to
OUTPUT_HTML so it can be inspected. Any other exit: Jupyter could not run the notebook at all.
Called by lib/app/notebook-runner.ts; nbconvert's own `--execute` drops tslab's error text.
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbconvert import HTMLExporter


def cell_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    return "".join(parts).strip()


def main():
    notebook_path, output_html, template_dir, timeout = sys.argv[1:5]
    notebook = nbformat.read(notebook_path, as_version=4)
    failed = {}

    def on_cell_error(cell, cell_index, execute_reply):
        failed.setdefault("index", cell_index)

    client = NotebookClient(
        notebook,
        kernel_name="tslab",
        timeout=int(timeout),
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook_path))}},
        on_cell_error=on_cell_error,
    )
    failure = None
    try:
        client.execute()
    except CellTimeoutError as err:
        failure = f"a cell ran longer than {timeout} s: {err}"
    except CellExecutionError:
        index = failed.get("index", -1)
        cell = notebook.cells[index] if 0 <= index < len(notebook.cells) else {}
        source = "".join(cell.get("source", "")).strip()
        failure = f"cell {index + 1} (id {cell.get('id', '?')}) failed:\n{source}\n------------------\n{cell_text(cell) or '(no error text)'}"

    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[template_dir])
    body, _ = exporter.from_notebook_node(notebook)
    with open(output_html, "w", encoding="utf-8") as handle:
        handle.write(body)
    if failure is not None:
        print(failure, file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
