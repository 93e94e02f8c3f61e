"""Starts the gradient-lab kernel through nbclient (jupyter_client underneath), as Jupyter's own tools do,
runs one cell that starts a child process, prints what the test needs as one JSON line, then waits to be killed."""
import json
import os
import sys

import nbformat
from nbclient import NotebookClient

CELL = """import { spawn } from "child_process";
const child = spawn("sleep", ["600"], { stdio: "ignore" });
console.log(JSON.stringify({ kernel: process.pid, child: child.pid }));"""

notebook = nbformat.v4.new_notebook()
notebook.cells.append(nbformat.v4.new_code_cell(CELL))
client = NotebookClient(notebook, kernel_name="gradient-lab", resources={"metadata": {"path": sys.argv[1]}})
client.km = client.create_kernel_manager()
client.start_new_kernel()
client.start_new_kernel_client()
client.execute_cell(notebook.cells[0], 0)
pids = json.loads(notebook.cells[0].outputs[0]["text"])
print(json.dumps({**pids, "client": os.getpid(), "connection_file": client.km.connection_file}), flush=True)
sys.stdin.read()
