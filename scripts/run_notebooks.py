"""Re-executes notebooks top to bottom with nbclient, in place or as a benchmark.

    python scripts/run_notebooks.py notebooks/*.ipynb                 # `make notebooks`
    python scripts/run_notebooks.py --bench benchmarks/notebook_times.md notebooks/*.ipynb
    python scripts/run_notebooks.py --bench benchmarks/notebook_times.md --save notebooks/*.ipynb

In place: each notebook is run in a fresh kernel from its own folder and saved with the new
outputs, so stored outputs always come from one clean run (execution counts 1..N). With
--bench, notebooks are run the same way but not saved; their wall times are written to a
Markdown table with a description of the machine; add --save to also store the outputs of
that same run. Any cell error stops with exit status 1.
"""

import argparse
import datetime
import os
import pathlib
import platform
import shutil
import sys
import tempfile
import time

import nbclient
import nbformat
from jupyter_client.manager import KernelManager

CELL_TIMEOUT_S = 900
KERNEL = "python3"


def execute(path):
    """Runs one notebook in a fresh kernel; returns (notebook, wall seconds)."""
    nb = nbformat.read(path, as_version=4)
    # IPC sockets in a private temporary folder: local-only, and the kernel does not warn
    # about unencrypted TCP on every start.
    ipc_dir = tempfile.mkdtemp(prefix="seqcourse-kernel-")
    km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=os.path.join(ipc_dir, "kernel"))
    client = nbclient.NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(ipc_dir, ignore_errors=True)
    return nb, time.perf_counter() - start


def clean(nb):
    """Drops metadata that changes from run to run and is not part of the content."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": KERNEL,
    }
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def describe_machine():
    import tensorflow as tf

    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        cpu = platform.processor()
    gpus = tf.config.list_physical_devices("GPU")
    try:
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem_gib = float("nan")
    return (
        f"{cpu or platform.machine()}, {os.cpu_count()} cores, {mem_gib:.0f} GiB; "
        f"GPU: {len(gpus) or 'none'}; Python {platform.python_version()}, "
        f"TensorFlow {tf.__version__}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--bench", type=pathlib.Path, help="write wall times here, keep notebooks")
    parser.add_argument("--save", action="store_true", help="with --bench: save the notebooks too")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("PYTHONHASHSEED", "0")

    rows = []
    for path in args.notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            sys.exit(f"Not a notebook file. Received: {path}")
        print(f"running {path} ...", flush=True)
        try:
            nb, seconds = execute(path)
        except nbclient.exceptions.CellExecutionError as exc:
            print(f"FAILED: {path}\n{exc}", file=sys.stderr)
            return 1
        print(f"  {seconds:.1f} s", flush=True)
        rows.append((path, seconds))
        if args.bench is None or args.save:
            nbformat.write(clean(nb), path)

    if args.bench is not None:
        lines = [
            "# Notebook run times",
            "",
            f"Measured by `make bench` on {datetime.date.today().isoformat()}.",
            "",
            f"Machine: {describe_machine()}.",
            "",
            "| notebook | wall time (s) |",
            "| --- | ---: |",
            *[f"| {p.as_posix()} | {s:.1f} |" for p, s in rows],
            f"| **total** | **{sum(s for _, s in rows):.1f}** |",
            "",
        ]
        args.bench.parent.mkdir(parents=True, exist_ok=True)
        args.bench.write_text("\n".join(lines))
        print(f"wrote {args.bench}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
