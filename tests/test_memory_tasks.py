"""Tests for seqcourse.memory_tasks."""

import numpy as np
import pytest

from seqcourse.memory_tasks import ADDING_BASELINE_MSE, make_adding_problem


def test_shapes_and_dtypes():
    x, y, where = make_adding_problem(50, 12, seed=1)
    assert x.shape == (50, 12, 2) and x.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.float32
    assert where.shape == (50, 2) and where.dtype == np.int64


def test_exactly_two_markers_one_in_each_half():
    x, _, where = make_adding_problem(500, 11, seed=2)
    markers = x[..., 1]
    assert set(np.unique(markers).tolist()) == {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    first = markers[:, :5].argmax(axis=1)  # half = 11 // 2 = 5
    second = 5 + markers[:, 5:].argmax(axis=1)
    np.testing.assert_array_equal(markers[:, :5].sum(axis=1), 1.0)
    np.testing.assert_array_equal(first, where[:, 0])
    np.testing.assert_array_equal(second, where[:, 1])
    # Every position of each half is used.
    assert set(first.tolist()) == set(range(5))
    assert set(second.tolist()) == set(range(5, 11))


def test_target_is_the_sum_of_the_marked_values():
    x, y, _ = make_adding_problem(200, 9, seed=3)
    reference = np.array([row[row[:, 1] == 1, 0].sum() for row in x])
    np.testing.assert_allclose(y, reference, rtol=0, atol=1e-6)


def test_values_are_uniform_in_unit_interval():
    x, _, _ = make_adding_problem(2000, 20, seed=4)
    values = x[..., 0]
    assert values.min() >= 0.0 and values.max() < 1.0
    assert abs(values.mean() - 0.5) < 0.01  # standard error 0.29 / sqrt(40000) = 0.0015
    assert abs(values.var() - 1 / 12) < 0.003


def test_mean_prediction_has_the_variance_baseline():
    _, y, _ = make_adding_problem(20000, 10, seed=5)
    assert ADDING_BASELINE_MSE == pytest.approx(1 / 6)
    # MSE of predicting 1.0; the standard error of this estimate is about 0.0015.
    assert np.mean((y - 1.0) ** 2) == pytest.approx(ADDING_BASELINE_MSE, abs=0.008)


def test_shortest_sequence():
    x, y, where = make_adding_problem(4, 2, seed=0)
    np.testing.assert_array_equal(where, [[0, 1]] * 4)
    np.testing.assert_allclose(y, x[:, 0, 0] + x[:, 1, 0], atol=1e-6)


def test_same_seed_same_data_other_seed_other_data():
    a = make_adding_problem(10, 8, seed=7)
    b = make_adding_problem(10, 8, seed=7)
    c = make_adding_problem(10, 8, seed=8)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(n=0, length=5), "`n` must be a positive integer. Received: n=0"),
        (dict(n=2.0, length=5), "`n` must be a positive integer. Received: n=2.0"),
        (dict(n=True, length=5), "`n` must be a positive integer. Received: n=True"),
        (dict(n=2, length=1), "`length` must be an integer >= 2. Received: length=1"),
        (dict(n=2, length=5, seed=-1), "`seed` must be an integer >= 0. Received: seed=-1"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}$".replace("(", r"\(").replace(")", r"\)")):
        make_adding_problem(**kwargs)
