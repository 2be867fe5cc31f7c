"""Numbers that one chapter measures and a later chapter compares.

Chapters 7 and 8 train encoder-decoder models that chapter 9 compares with the Transformer
in one table. Retraining them there would blow the time budget, so each notebook records
the numbers it measured in a small JSON file next to the notebooks
(``notebooks/results/<chapter>.json``), and chapter 9 loads them. The files are committed
with the notebooks that write them; re-executing a notebook rewrites its file.

Introduced in chapter 7.
"""

import json
import math
import pathlib

import numpy as np


def _path(chapter, directory):
    if not isinstance(chapter, str) or not chapter or "/" in chapter or "\\" in chapter:
        raise ValueError(
            f"chapter must be a notebook name such as '07_seq2seq'. Received: chapter={chapter!r}"
        )
    return pathlib.Path(directory) / f"{chapter}.json"


def _plain(value, where):
    """Converts NumPy scalars/arrays and nested containers to JSON types; rejects the rest."""
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist(), where)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"metrics must be finite numbers. Received: {where}={value}")
        return value
    raise ValueError(
        f"metrics must hold numbers, strings, lists and dicts. Received: {where}={value!r}"
    )


def record(chapter, model, metrics, *, directory="results"):
    """Stores one model's metrics under `model` in ``<directory>/<chapter>.json``.

    Other models' entries in the file are kept; an entry with the same name is replaced.

    Args:
        chapter: Notebook name without extension, e.g. ``"07_seq2seq"``.
        model: Name of the model, e.g. ``"cho_gru"``.
        metrics: A dict of numbers/strings (NumPy scalars are converted), e.g.
            ``{"task": "dates", "params": 51234, "train_seconds": 41.2, "exact_match": 0.97}``.
        directory: Folder of the file, relative to the working directory (a notebook runs in
            ``notebooks/``, so the default is ``notebooks/results``).

    Returns:
        The `pathlib.Path` of the file written.

    Example:

    >>> path = record("07_seq2seq", "cho_gru", {"task": "dates", "exact_match": 0.97})
    ... # doctest: +SKIP
    """
    path = _path(chapter, directory)
    if not isinstance(model, str) or not model:
        raise ValueError(f"model must be a non-empty string. Received: model={model!r}")
    if not isinstance(metrics, dict):
        raise ValueError(f"metrics must be a dict. Received: metrics={metrics!r}")
    entry = _plain(metrics, "metrics")
    table = json.loads(path.read_text()) if path.is_file() else {}
    table[model] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    return path


def load(chapter, *, directory="results"):
    """Loads the metrics that a chapter's notebook recorded.

    Args:
        chapter: Notebook name without extension, e.g. ``"07_seq2seq"``.
        directory: Folder of the file (see `record`).

    Returns:
        A dict mapping model names to their metrics dicts.

    Raises:
        FileNotFoundError: if the file does not exist; the message names the notebook to
            run first.
    """
    path = _path(chapter, directory)
    if not path.is_file():
        raise FileNotFoundError(
            f"No recorded results at {path}: run notebooks/{chapter}.ipynb first (top to "
            "bottom, from the notebooks/ folder), which writes them."
        )
    return json.loads(path.read_text())
