"""Time series: autocorrelation, windows, autoregressive models and multi-step forecasts.

Conventions: a series is a 1-D array ``x`` of shape ``(time,)``. An autoregressive model of
order tau predicts ``x[t]`` from the window ``x[t - tau : t]`` (shape ``(tau,)``, oldest
first). A batch of windows has shape ``(batch, tau)``.

Introduced in chapter 1.
"""

import dataclasses
import numbers

import numpy as np

from seqcourse.validation import check_int


def _series(x, name="x", min_length=2):
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"`{name}` must be a 1-D series. Received: {name}.shape={x.shape}")
    if x.shape[0] < min_length:
        raise ValueError(
            f"`{name}` must have at least {min_length} values. Received: {name}.shape={x.shape}"
        )
    if not np.issubdtype(x.dtype, np.number) or not np.all(np.isfinite(x)):
        raise ValueError(f"`{name}` must hold finite numbers. Received: {name}.dtype={x.dtype}")
    return x


def autocorrelation(x, max_lag):
    """Sample autocorrelation function of a series for lags ``0..max_lag``.

    ``r[k] = sum_t (x[t] - m)(x[t + k] - m) / sum_t (x[t] - m)^2`` with ``m`` the mean: the
    standard (biased) estimator, which keeps the sequence positive semi-definite.

    Introduced in chapter 1.

    Args:
        x: Series, shape ``(time,)``.
        max_lag: Largest lag, ``1 <= max_lag < len(x)``.

    Returns:
        Array of shape ``(max_lag + 1,)`` with ``r[0] == 1``.

    Example:

    >>> r = autocorrelation(np.sin(np.arange(200) * 2 * np.pi / 20), max_lag=20)
    >>> bool(r[20] > 0.8 and r[10] < -0.8)
    True
    """
    x = _series(x).astype(np.float64)
    max_lag = check_int(max_lag, "max_lag", 1)
    if max_lag >= x.shape[0]:
        raise ValueError(
            f"`max_lag` must be smaller than the series length {x.shape[0]}. "
            f"Received: max_lag={max_lag}"
        )
    centred = x - x.mean()
    denominator = np.dot(centred, centred)
    if denominator == 0:
        raise ValueError("The autocorrelation of a constant series is undefined. Received: x=const")
    return np.array(
        [np.dot(centred[: len(x) - k], centred[k:]) / denominator for k in range(max_lag + 1)]
    )


def _check_range(x, tau, start, stop):
    if not (tau <= start < stop <= x.shape[0]):
        raise ValueError(
            f"Need tau <= start < stop <= len(x) = {x.shape[0]}. "
            f"Received: tau={tau}, start={start}, stop={stop}"
        )


def window_arrays(x, tau, start=None, stop=None):
    """All length-`tau` windows of a series and the value that follows each.

    The target index ``t`` runs over ``[start, stop)`` (default: every ``t >= tau``). The
    windows may reach back before `start`: a test set's first windows use the end of the
    training period as input, as a forecaster would.

    Introduced in chapter 1.

    Args:
        x: Series, shape ``(time,)``.
        tau: Window length (model order), a positive integer.
        start: First target index, ``>= tau`` (default ``tau``).
        stop: One past the last target index, ``<= len(x)`` (default ``len(x)``).

    Returns:
        ``(windows, targets)`` of shapes ``(n, tau)`` and ``(n,)``, with
        ``windows[i] == x[t - tau : t]`` and ``targets[i] == x[t]`` for ``t = start + i``.

    Example:

    >>> w, y = window_arrays(np.arange(6.0), tau=2)
    >>> w.tolist(), y.tolist()
    ([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0], [3.0, 4.0]], [2.0, 3.0, 4.0, 5.0])
    """
    x = _series(x)
    tau = check_int(tau, "tau", 1)
    start = tau if start is None else start
    stop = x.shape[0] if stop is None else stop
    _check_range(x, tau, start, stop)
    windows = np.lib.stride_tricks.sliding_window_view(x, tau)[start - tau : stop - tau]
    return windows.copy(), x[start:stop].copy()


def windowed_dataset(x, tau, start=None, stop=None, batch_size=32, shuffle=False, seed=None):
    """The windows of `window_arrays` as a `tf.data.Dataset`, built by Keras.

    A thin wrapper around `keras.utils.timeseries_dataset_from_array` that uses the same
    `start`/`stop` convention as `window_arrays`, so both give the same pairs.

    Introduced in chapter 1.

    Args:
        x: Series, shape ``(time,)``.
        tau: Window length.
        start: First target index (default ``tau``).
        stop: One past the last target index (default ``len(x)``).
        batch_size: Windows per batch.
        shuffle: Whether to shuffle the windows (use for training).
        seed: Shuffle seed.

    Returns:
        A dataset of ``(windows, targets)`` batches of shapes ``(batch, tau)`` and ``(batch,)``.
    """
    import keras

    x = _series(x)
    tau = check_int(tau, "tau", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    start = tau if start is None else start
    stop = x.shape[0] if stop is None else stop
    _check_range(x, tau, start, stop)
    # The window for target t starts at t - tau; Keras pairs data[i : i + tau] with targets[i].
    return keras.utils.timeseries_dataset_from_array(
        data=x,
        targets=x[tau:],
        sequence_length=tau,
        start_index=start - tau,
        end_index=stop - 1,  # exclusive: the last window ends at x[stop - 2]
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
    )


@dataclasses.dataclass
class LinearAR:
    """A linear autoregressive model ``x[t] = b + sum_i w[i] * x[t - tau + i]``.

    Fitted by ordinary least squares (`fit_linear_ar`). Introduced in chapter 1.

    Attributes:
        weights: Array ``(tau,)``; ``weights[-1]`` multiplies the most recent value.
        bias: Intercept ``b``.
    """

    weights: np.ndarray
    bias: float

    @property
    def tau(self):
        return self.weights.shape[0]

    def predict(self, windows):
        """Predicts the next value for a batch of windows ``(batch, tau)`` → ``(batch,)``."""
        windows = np.asarray(windows, dtype=np.float64)
        if windows.ndim != 2 or windows.shape[1] != self.tau:
            raise ValueError(
                f"`windows` must have shape (batch, {self.tau}). Received: "
                f"windows.shape={windows.shape}"
            )
        return windows @ self.weights + self.bias


def fit_linear_ar(windows, targets):
    """Least-squares fit of a linear AR model with intercept.

    Introduced in chapter 1.

    Args:
        windows: Array ``(n, tau)``, e.g. from `window_arrays`.
        targets: Array ``(n,)``.

    Returns:
        A `LinearAR`.

    Example:

    >>> x = 0.9 ** np.arange(30)
    >>> model = fit_linear_ar(*window_arrays(x, tau=1))
    >>> round(float(model.weights[0]), 6), abs(round(model.bias, 6))
    (0.9, 0.0)
    """
    windows = np.asarray(windows, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if windows.ndim != 2 or targets.shape != (windows.shape[0],):
        raise ValueError(
            "`windows` must be (n, tau) and `targets` (n,). "
            f"Received: windows.shape={windows.shape}, targets.shape={targets.shape}"
        )
    if windows.shape[0] <= windows.shape[1]:
        raise ValueError(
            f"Need more windows than parameters (tau + 1 = {windows.shape[1] + 1}). "
            f"Received: windows.shape={windows.shape}"
        )
    design = np.hstack([windows, np.ones((windows.shape[0], 1))])
    solution, *_ = np.linalg.lstsq(design, targets, rcond=None)
    return LinearAR(weights=solution[:-1], bias=float(solution[-1]))


def last_value_predict(windows):
    """The persistence baseline: predicts that the next value equals the last one.

    Args:
        windows: Array ``(batch, tau)``.

    Returns:
        Array ``(batch,)``: ``windows[:, -1]``.
    """
    windows = np.asarray(windows)
    if windows.ndim != 2 or windows.shape[1] < 1:
        raise ValueError(f"`windows` must be (batch, tau). Received: windows.shape={windows.shape}")
    return windows[:, -1].astype(np.float64)


def exponential_smoothing(x, alpha):
    """One-step forecasts of simple exponential smoothing: a latent autoregressive model.

    The latent state ``h[t] = alpha * x[t] + (1 - alpha) * h[t - 1]`` (with ``h[0] = x[0]``)
    summarises the whole history in one number, and the forecast of ``x[t + 1]`` is ``h[t]``.

    Introduced in chapter 1.

    Args:
        x: Series ``(time,)``.
        alpha: Smoothing weight in ``(0, 1]``; ``alpha = 1`` is the last-value forecast.

    Returns:
        Array ``(time,)`` whose entry ``t`` is the forecast of ``x[t]`` made at ``t - 1``
        (entry 0, with no history, is ``x[0]``).
    """
    x = _series(x, min_length=1).astype(np.float64)
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha <= 1:
        raise ValueError(f"`alpha` must be in (0, 1]. Received: alpha={alpha!r}")
    forecasts = np.empty_like(x)
    state = x[0]
    forecasts[0] = x[0]
    for t in range(1, x.shape[0]):
        forecasts[t] = state
        state = alpha * x[t] + (1 - alpha) * state
    return forecasts


def recursive_forecast(predict, windows, steps):
    """Forecasts `steps` values ahead by feeding each prediction back as input.

    Introduced in chapter 1.

    Args:
        predict: Function mapping windows ``(batch, tau)`` to next values ``(batch,)``.
        windows: Starting windows ``(batch, tau)``: the observed history at each origin.
        steps: Horizon, a positive integer.

    Returns:
        Array ``(batch, steps)``; column ``k - 1`` is the ``k``-step-ahead forecast.
    """
    windows = np.asarray(windows, dtype=np.float64)
    if windows.ndim != 2:
        raise ValueError(f"`windows` must be (batch, tau). Received: windows.shape={windows.shape}")
    steps = check_int(steps, "steps", 1)
    current = windows.copy()
    out = np.empty((windows.shape[0], steps))
    for k in range(steps):
        nxt = np.asarray(predict(current), dtype=np.float64).reshape(-1)
        if nxt.shape != (windows.shape[0],):
            raise ValueError(
                f"`predict` must return shape ({windows.shape[0]},). Received: shape={nxt.shape}"
            )
        out[:, k] = nxt
        current = np.concatenate([current[:, 1:], nxt[:, None]], axis=1)
    return out


def k_step_rmse(predict, x, tau, start, stop, max_steps):
    """RMSE of k-step-ahead recursive forecasts, for ``k = 1..max_steps``.

    Every origin ``o`` in ``[start, stop - max_steps]`` forecasts ``x[o : o + max_steps]`` from
    the observed window ``x[o - tau : o]``; errors are pooled over origins for each ``k``.

    Introduced in chapter 1.

    Returns:
        Array ``(max_steps,)`` of RMSEs.
    """
    x = _series(x).astype(np.float64)
    tau = check_int(tau, "tau", 1)
    max_steps = check_int(max_steps, "max_steps", 1)
    if not (tau <= start <= stop - max_steps and stop <= x.shape[0]):
        raise ValueError(
            f"Need tau <= start <= stop - max_steps and stop <= len(x) = {x.shape[0]}. "
            f"Received: tau={tau}, start={start}, stop={stop}, max_steps={max_steps}"
        )
    last_origin = stop - max_steps
    windows, _ = window_arrays(x, tau, start, last_origin + 1)
    truth = np.lib.stride_tricks.sliding_window_view(x, max_steps)[start : last_origin + 1]
    forecasts = recursive_forecast(predict, windows, max_steps)
    return np.sqrt(np.mean((forecasts - truth) ** 2, axis=0))
