"""Tests for seqcourse.gradcheck: central differences and the relative error."""

import numpy as np
import pytest

from seqcourse.gradcheck import numerical_gradient, relative_error


def test_relative_error_values():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    # ||a - b|| = 1, ||a|| + ||b|| = 5 + sqrt(34)
    assert relative_error(a, np.array([3.0, 5.0])) == pytest.approx(1 / (5 + np.sqrt(34)))


def test_numerical_gradient_matches_analytic_gradient():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 4))
    v = rng.standard_normal(4)

    def f():
        return float(np.sum(np.tanh(w @ v)))

    analytic = np.outer(1 - np.tanh(w @ v) ** 2, v)
    assert relative_error(numerical_gradient(f, w), analytic) < 1e-9


def test_numerical_gradient_restores_x():
    x = np.array([0.5, -1.5, 2.0])
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_array_equal(x, before)


def test_errors():
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="callable"):
        numerical_gradient(1.0, np.zeros(2))
    with pytest.raises(ValueError, match="float64 NumPy array"):
        numerical_gradient(lambda: 0.0, np.zeros(2, dtype=np.float32))
    with pytest.raises(ValueError, match="float64 NumPy array"):
        numerical_gradient(lambda: 0.0, [0.0, 1.0])
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(lambda: 0.0, np.zeros(2), eps=0.0)
    with pytest.raises(ValueError, match="contiguous"):
        numerical_gradient(lambda: 0.0, np.zeros((3, 4))[:, :2])
