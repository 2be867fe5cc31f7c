"""Tests for seqcourse.metrics against NumPy formulas and hand-computed cases."""

import math
import re

import numpy as np
import pytest

from seqcourse.metrics import mae, rmse


def pairs():
    rng = np.random.default_rng(0)
    yield rng.normal(size=17), rng.normal(size=17)
    yield rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    yield np.arange(6, dtype=np.float32), np.arange(6, dtype=np.float32)[::-1]
    yield [1, 2, 3], [1, 2, 4]


@pytest.mark.parametrize(("y_true", "y_pred"), list(pairs()))
def test_rmse_matches_numpy(y_true, y_pred):
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    expected = np.linalg.norm(diff.ravel()) / math.sqrt(diff.size)
    assert rmse(y_true, y_pred) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("y_true", "y_pred"), list(pairs()))
def test_mae_matches_numpy(y_true, y_pred):
    diff = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    expected = np.abs(diff).sum() / diff.size
    assert mae(y_true, y_pred) == pytest.approx(expected, rel=1e-12)


def test_hand_computed_values():
    assert rmse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(math.sqrt(12.5), rel=1e-15)
    assert mae([0.0, 0.0], [3.0, -4.0]) == 3.5
    assert rmse([2.0], [2.0]) == 0.0
    assert mae(5.0, 3.0) == 2.0  # scalars are arrays of shape ()


def test_metrics_return_python_floats():
    assert type(rmse(np.ones(3, np.float32), np.zeros(3, np.float32))) is float
    assert type(mae(np.ones(3, np.float32), np.zeros(3, np.float32))) is float


def test_metrics_compute_in_float64():
    # float32 cannot hold 1e8 + 1 (its spacing there is 8): the error would be 0.
    y_true = np.array([1e8 + 1.0])
    assert mae(y_true, np.array([1e8])) == 1.0


def test_metrics_are_symmetric_and_rmse_bounds_mae():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=30), rng.normal(size=30)
    assert rmse(a, b) == rmse(b, a)
    assert mae(a, b) == mae(b, a)
    assert mae(a, b) <= rmse(a, b)


@pytest.mark.parametrize("metric", [rmse, mae])
@pytest.mark.parametrize(
    ("true_shape", "pred_shape"), [((3,), (4,)), ((3,), (3, 1)), ((2, 2), (4,))]
)
def test_metrics_reject_shape_mismatch(metric, true_shape, pred_shape):
    expected = f"Received: y_true.shape={true_shape}, y_pred.shape={pred_shape}"
    with pytest.raises(ValueError, match=re.escape(expected)):
        metric(np.zeros(true_shape), np.zeros(pred_shape))


@pytest.mark.parametrize("metric", [rmse, mae])
@pytest.mark.parametrize("shape", [(0,), (3, 0)])
def test_metrics_reject_empty_arrays(metric, shape):
    with pytest.raises(
        ValueError, match=re.escape(f"empty arrays. Received: y_true.shape={shape}")
    ):
        metric(np.zeros(shape), np.zeros(shape))
