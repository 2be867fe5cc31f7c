"""Tests for seqcourse.timeseries, each numeric claim against an independent computation."""

import re

import numpy as np
import pytest

from seqcourse.timeseries import (
    LinearAR,
    autocorrelation,
    exponential_smoothing,
    fit_linear_ar,
    k_step_rmse,
    last_value_predict,
    recursive_forecast,
    window_arrays,
    windowed_dataset,
)


def random_walk(n=60, seed=0):
    return np.cumsum(np.random.default_rng(seed).normal(size=n))


# --- autocorrelation --------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_autocorrelation_matches_np_correlate(seed):
    x = random_walk(80, seed) + 5.0
    max_lag = 30
    centred = x - x.mean()
    # np.correlate's "full" output at index n - 1 + k is sum_t c[t + k] c[t].
    full = np.correlate(centred, centred, mode="full")
    expected = full[len(x) - 1 : len(x) + max_lag] / (np.var(x) * len(x))
    np.testing.assert_allclose(autocorrelation(x, max_lag), expected, rtol=1e-12, atol=1e-12)


def test_autocorrelation_matches_an_explicit_loop():
    x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    m = sum(x) / len(x)
    var = sum((v - m) ** 2 for v in x)
    expected = [sum((x[t] - m) * (x[t + k] - m) for t in range(len(x) - k)) / var for k in range(6)]
    np.testing.assert_allclose(autocorrelation(x, 5), expected, rtol=1e-12, atol=1e-12)


def test_autocorrelation_shape_and_lag_zero():
    r = autocorrelation(random_walk(50), 7)
    assert r.shape == (8,)
    assert r[0] == pytest.approx(1.0, abs=1e-15)
    assert np.all(np.abs(r) <= 1 + 1e-12)  # Cauchy-Schwarz for the biased estimator


def test_autocorrelation_of_a_sinusoid_peaks_at_its_period():
    x = np.sin(np.arange(400) * 2 * np.pi / 20)
    r = autocorrelation(x, 40)
    assert r[20] > 0.8
    assert r[10] < -0.8  # half a period: anti-correlated
    assert r[40] > 0.8


def test_autocorrelation_accepts_integer_series_and_numpy_int_lag():
    r = autocorrelation(np.array([1, 2, 3, 2, 1, 2, 3]), np.int64(2))
    r_float = autocorrelation(np.array([1.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0]), 2)
    np.testing.assert_allclose(r, r_float, rtol=0, atol=0)


def test_autocorrelation_rejects_2d_input():
    with pytest.raises(ValueError, match=r"1-D series\. Received: x\.shape=\(5, 2\)"):
        autocorrelation(np.zeros((5, 2)), 1)


def test_autocorrelation_rejects_too_short_series():
    with pytest.raises(ValueError, match=r"at least 2 values\. Received: x\.shape=\(1,\)"):
        autocorrelation([1.0], 1)


@pytest.mark.parametrize("max_lag", [10, 11, 100])
def test_autocorrelation_rejects_max_lag_at_or_beyond_length(max_lag):
    with pytest.raises(ValueError, match=rf"length 10\. Received: max_lag={max_lag}$"):
        autocorrelation(np.arange(10.0), max_lag)


@pytest.mark.parametrize("max_lag", [0, -1, 1.5, True, "3", None])
def test_autocorrelation_rejects_non_positive_or_non_integer_max_lag(max_lag):
    with pytest.raises(ValueError, match=r"positive integer") as info:
        autocorrelation(np.arange(10.0), max_lag)
    assert f"Received: max_lag={max_lag!r}" in str(info.value)


def test_autocorrelation_rejects_constant_series():
    with pytest.raises(ValueError, match=r"constant series is undefined\. Received: x=const"):
        autocorrelation(np.full(10, 3.0), 2)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_autocorrelation_rejects_non_finite_values(bad):
    x = np.arange(10.0)
    x[4] = bad
    with pytest.raises(ValueError, match=r"finite numbers\. Received: x\.dtype=float64"):
        autocorrelation(x, 2)


def test_autocorrelation_rejects_non_numeric_values():
    with pytest.raises(ValueError, match=r"Received: x\.dtype=<U1"):
        autocorrelation(list("abcdef"), 2)


# --- window_arrays ----------------------------------------------------------------------


def windows_by_loop(x, tau, start, stop):
    windows = [x[t - tau : t] for t in range(start, stop)]
    return np.array(windows).reshape(-1, tau), np.array([x[t] for t in range(start, stop)])


@pytest.mark.parametrize(
    ("tau", "start", "stop"),
    [(1, None, None), (3, None, None), (3, 3, 20), (4, 10, 15), (2, 19, 20), (5, 7, 8)],
)
def test_window_arrays_match_a_loop(tau, start, stop):
    x = np.arange(20.0) ** 2
    windows, targets = window_arrays(x, tau, start, stop)
    ref_windows, ref_targets = windows_by_loop(
        x, tau, tau if start is None else start, len(x) if stop is None else stop
    )
    np.testing.assert_array_equal(windows, ref_windows)
    np.testing.assert_array_equal(targets, ref_targets)


def test_window_arrays_shapes_and_defaults():
    windows, targets = window_arrays(np.arange(10.0), 3)
    assert windows.shape == (7, 3) and targets.shape == (7,)
    assert windows[0].tolist() == [0.0, 1.0, 2.0] and targets[0] == 3.0
    assert windows[-1].tolist() == [6.0, 7.0, 8.0] and targets[-1] == 9.0


def test_window_arrays_test_windows_reach_back_before_start():
    # A test period [15, 20) uses the end of the training period as the first input.
    windows, targets = window_arrays(np.arange(20.0), 4, start=15, stop=20)
    assert windows[0].tolist() == [11.0, 12.0, 13.0, 14.0]
    assert targets.tolist() == [15.0, 16.0, 17.0, 18.0, 19.0]


def test_window_arrays_returns_copies():
    x = np.arange(10.0)
    windows, targets = window_arrays(x, 2)
    windows[0, 0] = -1.0
    targets[0] = -1.0
    assert x[0] == 0.0 and x[2] == 2.0
    windows[1, 0] = 5.0  # writable, not a read-only view
    assert windows[1, 0] == 5.0


@pytest.mark.parametrize(
    ("tau", "start", "stop"),
    [(3, 2, 10), (3, 5, 5), (3, 6, 5), (3, 3, 11), (3, None, 3), (11, None, None)],
)
def test_window_arrays_rejects_bad_ranges(tau, start, stop):
    with pytest.raises(
        ValueError, match=r"Need tau <= start < stop <= len\(x\) = 10\. Received: tau="
    ):
        window_arrays(np.arange(10.0), tau, start, stop)


@pytest.mark.parametrize("tau", [0, -2, 2.0, True])
def test_window_arrays_rejects_bad_tau(tau):
    with pytest.raises(ValueError, match=rf"positive integer\. Received: tau={tau!r}"):
        window_arrays(np.arange(10.0), tau)


def test_window_arrays_rejects_2d_series():
    with pytest.raises(ValueError, match=r"Received: x\.shape=\(10, 1\)"):
        window_arrays(np.zeros((10, 1)), 2)


# --- windowed_dataset -------------------------------------------------------------------


def collect(dataset):
    windows, targets = [], []
    for w, y in dataset:
        windows.append(np.asarray(w))
        targets.append(np.asarray(y))
    return np.concatenate(windows), np.concatenate(targets)


@pytest.mark.parametrize(
    ("tau", "start", "stop", "batch_size"),
    [
        (3, None, None, 64),  # everything in one batch
        (3, None, None, 4),  # several batches, the last one short
        (4, 10, 25, 5),  # a middle range, batches that divide it
        (2, 27, 30, 2),  # a range that ends at the end of the series
        (5, 5, 6, 3),  # a single window
    ],
)
def test_windowed_dataset_equals_window_arrays(tau, start, stop, batch_size):
    x = np.arange(30.0) * 1.5 + np.sin(np.arange(30.0))
    ref_windows, ref_targets = window_arrays(x, tau, start, stop)
    dataset = windowed_dataset(x, tau, start, stop, batch_size=batch_size)
    batch_sizes = [int(np.asarray(y).shape[0]) for _, y in dataset]
    assert max(batch_sizes) <= batch_size
    assert sum(batch_sizes) == len(ref_targets)
    windows, targets = collect(dataset)
    np.testing.assert_allclose(windows, ref_windows, rtol=0, atol=0)
    np.testing.assert_allclose(targets, ref_targets, rtol=0, atol=0)


@pytest.mark.parametrize(("tau", "start", "stop"), [(3, None, None), (4, 12, 27)])
def test_windowed_dataset_shuffled_has_the_same_pairs(tau, start, stop):
    x = np.arange(30.0) ** 1.5  # strictly increasing: every pair is distinct
    ref_windows, ref_targets = window_arrays(x, tau, start, stop)
    windows, targets = collect(
        windowed_dataset(x, tau, start, stop, batch_size=4, shuffle=True, seed=1)
    )
    assert not np.array_equal(targets, ref_targets)  # it did shuffle
    pairs = np.column_stack([windows, targets])
    ref_pairs = np.column_stack([ref_windows, ref_targets])
    np.testing.assert_array_equal(
        pairs[np.lexsort(pairs.T[::-1])], ref_pairs[np.lexsort(ref_pairs.T[::-1])]
    )


def test_windowed_dataset_rejects_bad_arguments():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match=r"Received: batch_size=0"):
        windowed_dataset(x, 2, batch_size=0)
    with pytest.raises(ValueError, match=r"Received: tau=0"):
        windowed_dataset(x, 0)
    with pytest.raises(ValueError, match=r"Received: tau=2, start=1, stop=10"):
        windowed_dataset(x, 2, start=1)
    with pytest.raises(ValueError, match=r"Received: tau=2, start=2, stop=11"):
        windowed_dataset(x, 2, stop=11)
    with pytest.raises(ValueError, match=r"Received: x\.shape=\(10, 1\)"):
        windowed_dataset(x[:, None], 2)


# --- fit_linear_ar and LinearAR ---------------------------------------------------------


def simulate_ar2(n, seed):
    """x[t] = 1.5 x[t-1] - 0.75 x[t-2] + 2 + noise (stationary: roots of modulus 0.87)."""
    rng = np.random.default_rng(seed)
    burn_in = 200
    noise = rng.normal(size=n + burn_in)
    x = np.full(n + burn_in, 8.0)  # the process mean, 2 / (1 - 1.5 + 0.75)
    for t in range(2, n + burn_in):
        x[t] = 1.5 * x[t - 1] - 0.75 * x[t - 2] + 2.0 + noise[t]
    return x[burn_in:]


def test_fit_linear_ar_recovers_ar2_coefficients():
    model = fit_linear_ar(*window_arrays(simulate_ar2(5000, seed=0), tau=2))
    assert model.tau == 2
    # Standard errors at n = 5000 are about 0.01 for the weights and 0.04 for the bias
    # (measured over 200 seeds); the tolerances are 5 to 6 of them.
    np.testing.assert_allclose(model.weights, [-0.75, 1.5], atol=0.05)
    assert model.bias == pytest.approx(2.0, abs=0.25)


@pytest.mark.parametrize(("n", "tau"), [(50, 1), (200, 5), (31, 30)])
def test_fit_linear_ar_equals_the_normal_equations(n, tau):
    rng = np.random.default_rng(n + tau)
    windows = rng.normal(size=(n, tau))
    targets = rng.normal(size=n)
    design = np.hstack([windows, np.ones((n, 1))])
    solution = np.linalg.solve(design.T @ design, design.T @ targets)
    model = fit_linear_ar(windows, targets)
    np.testing.assert_allclose(model.weights, solution[:-1], rtol=1e-8, atol=1e-8)
    assert model.bias == pytest.approx(solution[-1], rel=1e-8, abs=1e-8)
    assert isinstance(model.bias, float)


def test_fit_linear_ar_is_exact_on_noise_free_data():
    windows = np.random.default_rng(3).normal(size=(20, 3))
    targets = windows @ np.array([0.5, -2.0, 1.0]) + 4.0
    model = fit_linear_ar(windows, targets)
    np.testing.assert_allclose(model.weights, [0.5, -2.0, 1.0], rtol=0, atol=1e-10)
    assert model.bias == pytest.approx(4.0, abs=1e-10)


@pytest.mark.parametrize("n", [2, 3])
def test_fit_linear_ar_rejects_too_few_rows(n):
    with pytest.raises(ValueError, match=rf"tau \+ 1 = 4\)\. Received: windows\.shape=\({n}, 3\)"):
        fit_linear_ar(np.ones((n, 3)), np.ones(n))


@pytest.mark.parametrize(
    ("windows_shape", "targets_shape"),
    [((10, 2), (9,)), ((10, 2), (10, 1)), ((10,), (10,)), ((10, 2, 1), (10,))],
)
def test_fit_linear_ar_rejects_mismatched_shapes(windows_shape, targets_shape):
    with pytest.raises(ValueError) as info:
        fit_linear_ar(np.ones(windows_shape), np.ones(targets_shape))
    assert f"Received: windows.shape={windows_shape}, targets.shape={targets_shape}" in str(
        info.value
    )


def test_linear_ar_predict_is_the_affine_map():
    model = LinearAR(weights=np.array([0.25, -1.0, 2.0]), bias=0.5)
    windows = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-4.0, 1.0, 0.5]])
    expected = [0.25 * 1 - 2 + 6 + 0.5, 0.5, -1.0 - 1.0 + 1.0 + 0.5]
    np.testing.assert_allclose(model.predict(windows), expected, rtol=1e-15)


@pytest.mark.parametrize("shape", [(3,), (4, 2), (4, 4), (2, 3, 1)])
def test_linear_ar_predict_rejects_bad_shapes(shape):
    model = LinearAR(weights=np.ones(3), bias=0.0)
    with pytest.raises(ValueError, match=r"shape \(batch, 3\)") as info:
        model.predict(np.ones(shape))
    assert f"Received: windows.shape={shape}" in str(info.value)


# --- last_value_predict -----------------------------------------------------------------


def test_last_value_predict():
    windows = np.array([[1, 2, 3], [4, 5, 6]])
    prediction = last_value_predict(windows)
    assert prediction.dtype == np.float64
    assert prediction.tolist() == [3.0, 6.0]


@pytest.mark.parametrize("shape", [(3,), (2, 0), (2, 2, 2)])
def test_last_value_predict_rejects_bad_shapes(shape):
    with pytest.raises(ValueError, match=re.escape(f"Received: windows.shape={shape}")):
        last_value_predict(np.ones(shape))


# --- exponential_smoothing --------------------------------------------------------------


def smoothing_closed_form(x, alpha):
    """Forecast of x[t] = h[t-1], with h[s] = alpha sum_j (1-alpha)^j x[s-j] + (1-alpha)^s x[0]."""
    x = np.asarray(x, dtype=np.float64)
    forecasts = [x[0]]
    for t in range(1, len(x)):
        s = t - 1
        h = alpha * sum((1 - alpha) ** j * x[s - j] for j in range(s)) + (1 - alpha) ** s * x[0]
        forecasts.append(h)
    return np.array(forecasts)


@pytest.mark.parametrize("alpha", [0.1, 0.5, 0.9, 1])
def test_exponential_smoothing_matches_the_closed_form(alpha):
    x = random_walk(40, seed=2)
    np.testing.assert_allclose(
        exponential_smoothing(x, alpha), smoothing_closed_form(x, alpha), rtol=1e-12, atol=1e-12
    )


def test_exponential_smoothing_alpha_one_is_the_lagged_series():
    x = random_walk(25, seed=4)
    forecasts = exponential_smoothing(x, 1.0)
    assert forecasts[0] == x[0]
    np.testing.assert_array_equal(forecasts[1:], x[:-1])


def test_exponential_smoothing_of_a_constant_is_the_constant():
    np.testing.assert_allclose(exponential_smoothing(np.full(10, 2.5), 0.3), 2.5, rtol=1e-15)


def test_exponential_smoothing_single_value():
    assert exponential_smoothing([7.0], 0.5).tolist() == [7.0]


@pytest.mark.parametrize("alpha", [0, 0.0, -0.1, 1.0001, 2, float("nan"), "0.5", None])
def test_exponential_smoothing_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match=r"in \(0, 1\]") as info:
        exponential_smoothing(np.arange(5.0), alpha)
    assert f"Received: alpha={alpha!r}" in str(info.value)


def test_exponential_smoothing_rejects_bool_alpha():
    # True is an int in Python; it must not pass for alpha = 1.
    with pytest.raises(ValueError, match=r"Received: alpha=True"):
        exponential_smoothing(np.arange(5.0), True)


def test_exponential_smoothing_accepts_numpy_float32_alpha():
    x = random_walk(20, seed=5)
    np.testing.assert_allclose(
        exponential_smoothing(x, np.float32(0.5)), exponential_smoothing(x, 0.5), rtol=1e-15
    )


def test_exponential_smoothing_rejects_bad_series():
    with pytest.raises(ValueError, match=r"Received: x\.shape=\(0,\)"):
        exponential_smoothing(np.array([]), 0.5)
    with pytest.raises(ValueError, match=r"Received: x\.shape=\(2, 2\)"):
        exponential_smoothing(np.ones((2, 2)), 0.5)


# --- recursive_forecast -----------------------------------------------------------------


def test_recursive_forecast_geometric_growth():
    windows = np.array([[0.0, 1.0], [5.0, -3.0], [1.0, 0.5]])
    forecasts = recursive_forecast(lambda w: 2.0 * w[:, -1], windows, steps=6)
    expected = windows[:, -1:] * 2.0 ** np.arange(1, 7)  # x_last * 2^k
    np.testing.assert_allclose(forecasts, expected, rtol=1e-15)


def test_recursive_forecast_feeds_predictions_back_in_order():
    # Predicting the sum of a length-2 window from (1, 1) gives the Fibonacci numbers.
    forecasts = recursive_forecast(lambda w: w.sum(axis=1), np.array([[1.0, 1.0]]), steps=8)
    assert forecasts.tolist() == [[2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0]]
    # Predicting the oldest value of a length-3 window cycles through the window.
    forecasts = recursive_forecast(lambda w: w[:, 0], np.array([[1.0, 2.0, 3.0]]), steps=7)
    assert forecasts.tolist() == [[1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0]]


def test_recursive_forecast_does_not_modify_the_windows():
    windows = np.array([[1.0, 2.0]])
    recursive_forecast(lambda w: w[:, -1] + 1, windows, steps=3)
    assert windows.tolist() == [[1.0, 2.0]]


def test_recursive_forecast_accepts_column_predictions():
    # A Keras model returns (batch, 1): that is reshaped to (batch,).
    forecasts = recursive_forecast(lambda w: w[:, -1:] + 1.0, np.zeros((2, 3)), steps=3)
    assert forecasts.tolist() == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]


@pytest.mark.parametrize(
    ("predict", "received"),
    [
        (lambda w: np.zeros(w.shape[0] + 1), "shape=(4,)"),
        (lambda w: np.zeros((w.shape[0], 2)), "shape=(6,)"),
        (lambda w: 0.0, "shape=(1,)"),
    ],
)
def test_recursive_forecast_rejects_bad_predict_output(predict, received):
    with pytest.raises(ValueError, match=r"must return shape \(3,\)") as info:
        recursive_forecast(predict, np.zeros((3, 2)), steps=2)
    assert f"Received: {received}" in str(info.value)


def test_recursive_forecast_rejects_bad_windows_and_steps():
    with pytest.raises(ValueError, match=r"Received: windows\.shape=\(4,\)"):
        recursive_forecast(last_value_predict, np.zeros(4), steps=2)
    for steps in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match=rf"Received: steps={steps!r}"):
            recursive_forecast(last_value_predict, np.zeros((1, 2)), steps=steps)


# --- k_step_rmse ------------------------------------------------------------------------


def k_step_rmse_by_loop(predict, x, tau, start, stop, max_steps):
    """Brute force: one origin and one window at a time."""
    squared = [[] for _ in range(max_steps)]
    for origin in range(start, stop - max_steps + 1):
        window = list(x[origin - tau : origin])
        for k in range(max_steps):
            value = float(np.asarray(predict(np.array([window]))).reshape(-1)[0])
            squared[k].append((value - x[origin + k]) ** 2)
            window = window[1:] + [value]
    return np.sqrt([np.mean(s) for s in squared])


@pytest.mark.parametrize(("tau", "start", "stop", "max_steps"), [(3, 3, 60, 5), (5, 20, 40, 10)])
def test_k_step_rmse_equals_a_brute_force_loop(tau, start, stop, max_steps):
    x = random_walk(60, seed=7)
    model = fit_linear_ar(*window_arrays(x, tau, stop=40))

    def predict(w):
        return np.tanh(model.predict(w))  # nonlinear, so errors compound non-trivially

    np.testing.assert_allclose(
        k_step_rmse(predict, x, tau, start, stop, max_steps),
        k_step_rmse_by_loop(predict, x, tau, start, stop, max_steps),
        rtol=1e-12,
    )


def test_k_step_rmse_last_value_on_a_linear_trend():
    # x[t] = t: the k-step persistence forecast is off by exactly k at every origin.
    rmse = k_step_rmse(last_value_predict, np.arange(50.0), 4, 10, 50, 6)
    np.testing.assert_allclose(rmse, np.arange(1.0, 7.0), rtol=1e-15)


def test_k_step_rmse_of_the_exact_recurrence_is_zero():
    # sin(w t) satisfies x[t] = 2 cos(w) x[t-1] - x[t-2] exactly.
    omega = 2 * np.pi / 17
    x = np.sin(omega * np.arange(200))
    model = LinearAR(weights=np.array([-1.0, 2 * np.cos(omega)]), bias=0.0)
    rmse = k_step_rmse(model.predict, x, 2, 2, 200, 25)
    assert rmse.shape == (25,)
    np.testing.assert_allclose(rmse, 0.0, atol=1e-10)


def test_k_step_rmse_uses_origins_up_to_stop_minus_max_steps():
    # Only the last origin sees a jump; including it or not changes the 1-step error.
    x = np.zeros(30)
    x[29] = 10.0
    assert k_step_rmse(last_value_predict, x, 2, 2, 30, 1)[0] == pytest.approx(10 / np.sqrt(28))
    assert k_step_rmse(last_value_predict, x, 2, 2, 29, 1)[0] == 0.0


@pytest.mark.parametrize(("start", "stop"), [(20, 52), (47, 52), (10, 51)])
def test_k_step_rmse_rejects_stop_beyond_the_series(start, stop):
    # Origins near the end would be scored against values that do not exist.
    with pytest.raises(ValueError, match=rf"Received: .*stop={stop}"):
        k_step_rmse(last_value_predict, np.arange(50.0), 3, start, stop, 3)


def test_k_step_rmse_rejects_a_horizon_longer_than_the_range():
    with pytest.raises(ValueError, match=r"Received: .*max_steps=20"):
        k_step_rmse(last_value_predict, np.arange(50.0), 3, 30, 40, 20)


@pytest.mark.parametrize("max_steps", [0, -3, 2.5, True])
def test_k_step_rmse_rejects_bad_max_steps(max_steps):
    with pytest.raises(ValueError, match=rf"Received: max_steps={max_steps!r}"):
        k_step_rmse(last_value_predict, np.arange(50.0), 3, 3, 50, max_steps)


def test_k_step_rmse_rejects_bad_series_and_range():
    with pytest.raises(ValueError, match=r"Received: x\.shape=\(50, 1\)"):
        k_step_rmse(last_value_predict, np.zeros((50, 1)), 3, 3, 50, 2)
    with pytest.raises(ValueError, match=r"Received: tau=3, start=2"):
        k_step_rmse(last_value_predict, np.arange(50.0), 3, 2, 50, 2)
