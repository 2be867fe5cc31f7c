"""Tests for `seqcourse.results`: metrics one notebook records and another loads."""

import json

import numpy as np
import pytest

from seqcourse import results


def test_record_then_load_round_trip(tmp_path):
    path = results.record(
        "07_seq2seq",
        "cho_gru",
        {"task": "dates", "params": np.int64(5), "exact_match": np.float32(0.5)},
        directory=tmp_path,
    )
    assert path == tmp_path / "07_seq2seq.json"
    assert results.load("07_seq2seq", directory=tmp_path) == {
        "cho_gru": {"task": "dates", "params": 5, "exact_match": 0.5}
    }


def test_record_keeps_other_models_and_replaces_the_same_one(tmp_path):
    results.record("c", "a", {"x": 1}, directory=tmp_path)
    results.record("c", "b", {"x": 2}, directory=tmp_path)
    results.record("c", "a", {"x": 3, "by_length": {"1-5": [0.5, 1]}}, directory=tmp_path)
    table = json.loads((tmp_path / "c.json").read_text())
    assert table == {"a": {"x": 3, "by_length": {"1-5": [0.5, 1]}}, "b": {"x": 2}}


def test_record_converts_arrays(tmp_path):
    results.record("c", "a", {"curve": np.arange(3.0)}, directory=tmp_path)
    assert results.load("c", directory=tmp_path)["a"]["curve"] == [0.0, 1.0, 2.0]


def test_load_missing_names_the_notebook(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"run notebooks/08_attention.ipynb first"):
        results.load("08_attention", directory=tmp_path)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"chapter": "", "model": "m", "metrics": {}}, "chapter must be a notebook name"),
        ({"chapter": "a/b", "model": "m", "metrics": {}}, "chapter must be a notebook name"),
        ({"chapter": "c", "model": "", "metrics": {}}, "model must be a non-empty string"),
        ({"chapter": "c", "model": "m", "metrics": [1]}, "metrics must be a dict"),
        ({"chapter": "c", "model": "m", "metrics": {"x": float("nan")}}, "finite numbers"),
        ({"chapter": "c", "model": "m", "metrics": {"x": object()}}, "numbers, strings"),
    ],
)
def test_record_errors(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        results.record(directory=tmp_path, **kwargs)
    assert not (tmp_path / "c.json").exists()
