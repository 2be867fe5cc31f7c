import re

import numpy as np
import pytest

from seqcourse.validation import (
    check_float_array,
    check_int,
    check_sequence_batch,
    check_step_batch,
)


@pytest.mark.parametrize("value", [0, 5, np.int32(7), np.int64(2**40)])
def test_check_int_accepts_integers(value):
    result = check_int(value, "n", 0)
    assert result == int(value) and type(result) is int


@pytest.mark.parametrize("value", [-1, 1.0, "3", None, True, np.float64(2.0)])
def test_check_int_rejects(value):
    with pytest.raises(ValueError, match=r"`n` must be an integer >= 0\. Received: n="):
        check_int(value, "n", 0)


def test_check_int_minimum_one_says_positive():
    with pytest.raises(ValueError, match=r"`units` must be a positive integer\. Received: units=0"):
        check_int(0, "units", 1)


def test_check_int_minimum_is_inclusive():
    assert check_int(3, "k", 3) == 3
    with pytest.raises(ValueError, match=r"integer >= 4\. Received: k=3"):
        check_int(3, "k", 4)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_check_float_array_accepts_float_arrays(dtype):
    array = np.ones((2, 3), dtype=dtype)
    assert check_float_array(array, "x", 2) is array


def test_check_float_array_converts_lists():
    np.testing.assert_array_equal(check_float_array([[1.0, 2.0]], "x", 2), [[1.0, 2.0]])


@pytest.mark.parametrize(
    "value, message",
    [
        (np.ones(3), r"`x` must be a 2-D float array\. Received: x\.shape=\(3,\), dtype=float64"),
        (np.ones((2, 2), dtype=int), r"Received: x\.shape=\(2, 2\), dtype=int64"),
        ([["a"]], r"Received: x\.shape=\(1, 1\), dtype=<U1"),
    ],
)
def test_check_float_array_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        check_float_array(value, "x", 2)


def test_check_sequence_batch_returns_arrays_in_order():
    x, (h0, c0) = check_sequence_batch(
        [[[1.0, 2.0]]], {"h0": np.zeros((1, 3)), "c0": np.ones((1, 3))}, 2, 3
    )
    assert x.shape == (1, 1, 2) and h0.sum() == 0 and c0.sum() == 3


@pytest.mark.parametrize(
    "x, h0, c0",
    [
        (np.ones((2, 4, 5)), np.zeros((2, 3)), np.zeros((2, 3))),  # wrong n_x
        (np.ones((2, 0, 2)), np.zeros((2, 3)), np.zeros((2, 3))),  # no time steps
        (np.ones((2, 4, 2)), np.zeros((1, 3)), np.zeros((2, 3))),  # batch mismatch
        (np.ones((2, 4, 2)), np.zeros((2, 3)), np.zeros((2, 4))),  # wrong n_h in c0
    ],
)
def test_check_sequence_batch_rejects_mismatched_shapes(x, h0, c0):
    pattern = (
        r"Expected x \(batch, time >= 1, 2\) and h0, c0 \(batch, 3\)\. Received: x\.shape="
        + re.escape(f"{x.shape}, h0.shape={h0.shape}, c0.shape={c0.shape}")
    )
    with pytest.raises(ValueError, match=pattern):
        check_sequence_batch(x, {"h0": h0, "c0": c0}, 2, 3)


def test_check_sequence_batch_rejects_non_float_state():
    with pytest.raises(ValueError, match=r"`h0` must be a 2-D float array"):
        check_sequence_batch(np.ones((1, 1, 2)), {"h0": np.zeros((1, 3), dtype=int)}, 2, 3)


def test_check_step_batch_rejects_mismatched_states():
    pattern = r"Expected x_t \(batch, 2\) and h_prev, c_prev \(batch, 3\)\. " + re.escape(
        "Received: x_t.shape=(2, 2), h_prev.shape=(2, 3), c_prev.shape=(1, 3)"
    )
    with pytest.raises(ValueError, match=pattern):
        check_step_batch(
            np.ones((2, 2)), {"h_prev": np.zeros((2, 3)), "c_prev": np.zeros((1, 3))}, 2, 3
        )
    with pytest.raises(ValueError, match=r"Received: x_t\.shape=\(2, 5\)"):
        check_step_batch(np.ones((2, 5)), {"h_prev": np.zeros((2, 3))}, 2, 3)
