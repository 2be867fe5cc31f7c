"""NumPy reference implementation of the vanilla (Elman) RNN, forward pass.

The book's equations (``book/notation.md``), for one example, with column vectors:

    h<t> = tanh(W_hh h<t-1> + W_hx x<t> + b_h)
    y<t> = W_yh h<t> + b_y            (logits; softmax gives the distribution)

The code is batch-first with row vectors, so the same equations read
``h_t = tanh(h_prev @ W_hh.T + x_t @ W_hx.T + b_h)``.

Parameters are a dict of float arrays:

    "W_hh": (n_h, n_h)   "W_hx": (n_h, n_x)   "b_h": (n_h,)
    "W_yh": (n_y, n_h)   "b_y": (n_y,)        (output layer; optional for the recurrence)

Keras's `SimpleRNN` stores the transposes: ``kernel = W_hx.T`` with shape ``(n_x, n_h)`` and
``recurrent_kernel = W_hh.T`` with shape ``(n_h, n_h)``; `params_from_keras` and
`params_to_keras` convert.

Introduced in chapter 2.
"""

import numpy as np

from seqcourse.validation import (
    check_float_array,
    check_int,
    check_sequence_batch,
    check_step_batch,
)

RECURRENT_KEYS = ("W_hh", "W_hx", "b_h")
OUTPUT_KEYS = ("W_yh", "b_y")


def check_params(params, output=False):
    """Validates an RNN parameter dict and returns ``(n_x, n_h, n_y or None)``.

    Args:
        params: Dict with the keys above.
        output: Whether the output-layer keys are required.

    Returns:
        The sizes ``(n_x, n_h, n_y)``; ``n_y`` is None without an output layer.
    """
    keys = RECURRENT_KEYS + (OUTPUT_KEYS if output else ())
    if not isinstance(params, dict) or any(k not in params for k in keys):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"`params` must be a dict with keys {list(keys)}. Received: params={got}")
    W_hh = check_float_array(params["W_hh"], "W_hh", 2)
    W_hx = check_float_array(params["W_hx"], "W_hx", 2)
    b_h = check_float_array(params["b_h"], "b_h", 1)
    n_h, n_x = W_hx.shape
    if W_hh.shape != (n_h, n_h) or b_h.shape != (n_h,):
        raise ValueError(
            f"Inconsistent shapes: need W_hh ({n_h}, {n_h}) and b_h ({n_h},) "
            f"for W_hx {W_hx.shape}. "
            f"Received: W_hh.shape={W_hh.shape}, b_h.shape={b_h.shape}"
        )
    n_y = None
    if "W_yh" in params and "b_y" in params:
        W_yh = check_float_array(params["W_yh"], "W_yh", 2)
        b_y = check_float_array(params["b_y"], "b_y", 1)
        n_y = W_yh.shape[0]
        if W_yh.shape != (n_y, n_h) or b_y.shape != (n_y,):
            raise ValueError(
                f"Inconsistent shapes: need W_yh (n_y, {n_h}) and b_y (n_y,). "
                f"Received: W_yh.shape={W_yh.shape}, b_y.shape={b_y.shape}"
            )
    return n_x, n_h, n_y


def init_rnn_params(n_x, n_h, n_y=None, seed=0, dtype=np.float64, scale=None):
    """Random RNN parameters: Gaussian weights with std ``scale`` (default ``1/sqrt(fan_in)``).

    Introduced in chapter 2.

    Args:
        n_x: Input size.
        n_h: Hidden size.
        n_y: Output size, or None for no output layer.
        seed: Seed of the NumPy generator.
        dtype: Float dtype of the arrays.
        scale: Standard deviation of the weights (biases are drawn with the same scale).

    Returns:
        A parameter dict (see the module docstring).

    Example:

    >>> p = init_rnn_params(3, 5, 2)
    >>> {k: v.shape for k, v in p.items()}
    {'W_hh': (5, 5), 'W_hx': (5, 3), 'b_h': (5,), 'W_yh': (2, 5), 'b_y': (2,)}
    """
    n_x, n_h = check_int(n_x, "n_x", 1), check_int(n_h, "n_h", 1)
    if n_y is not None and (isinstance(n_y, bool) or not isinstance(n_y, int) or n_y < 1):
        raise ValueError(f"`n_y` must be a positive integer or None. Received: n_y={n_y!r}")
    rng = np.random.default_rng(seed)

    def draw(shape, fan_in):
        std = scale if scale is not None else 1 / np.sqrt(fan_in)
        return (rng.standard_normal(shape) * std).astype(dtype)

    params = {
        "W_hh": draw((n_h, n_h), n_h),
        "W_hx": draw((n_h, n_x), n_x),
        "b_h": draw((n_h,), n_h),
    }
    if n_y is not None:
        params["W_yh"] = draw((n_y, n_h), n_h)
        params["b_y"] = draw((n_y,), n_h)
    return params


def rnn_cell_forward(x_t, h_prev, params):
    """One step of the vanilla RNN: ``h_t = tanh(h_prev @ W_hh.T + x_t @ W_hx.T + b_h)``.

    Introduced in chapter 2.

    Args:
        x_t: Inputs at step t, shape ``(batch, n_x)``.
        h_prev: Hidden state at step t-1, shape ``(batch, n_h)``.
        params: Parameter dict (only ``W_hh``, ``W_hx``, ``b_h`` are used).

    Returns:
        The new hidden state ``h_t``, shape ``(batch, n_h)``.

    Example:

    >>> p = init_rnn_params(3, 4)
    >>> rnn_cell_forward(np.ones((2, 3)), np.zeros((2, 4)), p).shape
    (2, 4)
    """
    n_x, n_h, _ = check_params(params)
    x_t, (h_prev,) = check_step_batch(x_t, {"h_prev": h_prev}, n_x, n_h)
    return np.tanh(h_prev @ params["W_hh"].T + x_t @ params["W_hx"].T + params["b_h"])


def rnn_forward(x, h0, params):
    """Runs the vanilla RNN over a batch of sequences, keeping what the backward pass needs.

    Introduced in chapter 2; the cache is used by `seqcourse.bptt.rnn_backward` (chapter 3).

    Args:
        x: Inputs, shape ``(batch, time, n_x)``.
        h0: Initial state, shape ``(batch, n_h)`` (zeros for the usual zero state).
        params: Parameter dict.

    Returns:
        ``(hs, cache)``: ``hs`` of shape ``(batch, time, n_h)`` holds ``h<1>..h<T>``;
        ``cache`` is a dict with ``"x"``, ``"h0"``, ``"hs"`` and ``"params"``.

    Example:

    >>> p = init_rnn_params(3, 4)
    >>> hs, cache = rnn_forward(np.ones((2, 5, 3)), np.zeros((2, 4)), p)
    >>> hs.shape
    (2, 5, 4)
    """
    n_x, n_h, _ = check_params(params)
    x, (h0,) = check_sequence_batch(x, {"h0": h0}, n_x, n_h)
    batch, time, _ = x.shape
    hs = np.empty((batch, time, n_h), dtype=np.result_type(x, params["W_hh"]))
    h = h0
    for t in range(time):
        h = np.tanh(h @ params["W_hh"].T + x[:, t] @ params["W_hx"].T + params["b_h"])
        hs[:, t] = h
    return hs, {"x": x, "h0": h0, "hs": hs, "params": params}


def rnn_output(hs, params):
    """Output logits ``y<t> = W_yh h<t> + b_y`` for every step: ``(batch, time, n_y)``.

    Introduced in chapter 2.

    Args:
        hs: Hidden states, shape ``(batch, time, n_h)`` (as returned by `rnn_forward`).
        params: Parameter dict with the output layer ``W_yh``, ``b_y``.

    Returns:
        The logits, shape ``(batch, time, n_y)``; `softmax` turns them into probabilities.

    Example:

    >>> p = init_rnn_params(3, 4, n_y=2)
    >>> rnn_output(np.zeros((1, 5, 4)), p).shape
    (1, 5, 2)
    """
    _, n_h, n_y = check_params(params)
    if n_y is None:
        raise ValueError("`params` has no output layer (W_yh, b_y). Received: params without W_yh")
    hs = check_float_array(hs, "hs", 3)
    if hs.shape[-1] != n_h:
        raise ValueError(f"`hs` must end with n_h={n_h}. Received: hs.shape={hs.shape}")
    return hs @ params["W_yh"].T + params["b_y"]


def softmax(logits, axis=-1):
    """Numerically stable softmax along `axis` (the maximum is subtracted first).

    Introduced in chapter 2.

    Args:
        logits: Array of any shape.
        axis: The axis that sums to 1.

    Returns:
        An array of the same shape, non-negative, summing to 1 along `axis`.

    Example:

    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    logits = np.asarray(logits)
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def params_from_keras(layer):
    """Reads ``W_hh``, ``W_hx``, ``b_h`` (float64) from a built `keras.layers.SimpleRNN`.

    Keras stores ``kernel = W_hx.T`` and ``recurrent_kernel = W_hh.T``; they are transposed
    back here.

    Introduced in chapter 2.

    Args:
        layer: A built `keras.layers.SimpleRNN` with a bias.

    Returns:
        A parameter dict with ``W_hh`` ``(n_h, n_h)``, ``W_hx`` ``(n_h, n_x)``, ``b_h``
        ``(n_h,)`` as float64 arrays (copies).
    """
    import keras

    if not isinstance(layer, keras.layers.SimpleRNN) or not layer.built:
        raise ValueError(
            f"`layer` must be a built keras.layers.SimpleRNN. Received: layer={layer!r}"
        )
    if not layer.cell.use_bias:
        raise ValueError("`layer` must use a bias. Received: layer with use_bias=False")
    kernel, recurrent, bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
    return {"W_hh": recurrent.T.copy(), "W_hx": kernel.T.copy(), "b_h": bias.copy()}


def params_to_keras(params, layer):
    """Copies ``W_hh``, ``W_hx``, ``b_h`` into a built `keras.layers.SimpleRNN` (transposing).

    Introduced in chapter 2.

    Args:
        params: Parameter dict (the output-layer keys, if any, are ignored).
        layer: A built `keras.layers.SimpleRNN` with a bias, ``units == n_h``, built for
            inputs with ``n_x`` features.

    Returns:
        None; the layer's weights are overwritten (cast to the layer's dtype).

    Example:

    >>> import keras
    >>> layer = keras.layers.SimpleRNN(4)
    >>> layer.build((None, None, 3))
    >>> params_to_keras(init_rnn_params(3, 4), layer)
    """
    import keras

    n_x, n_h, _ = check_params(params)
    if not isinstance(layer, keras.layers.SimpleRNN) or not layer.built:
        raise ValueError(
            f"`layer` must be a built keras.layers.SimpleRNN. Received: layer={layer!r}"
        )
    if not layer.cell.use_bias:
        raise ValueError("`layer` must use a bias. Received: layer with use_bias=False")
    kernel, recurrent, bias = layer.get_weights()
    if kernel.shape != (n_x, n_h) or recurrent.shape != (n_h, n_h):
        raise ValueError(
            f"Layer weights {kernel.shape}, {recurrent.shape} do not match params (n_x={n_x}, "
            f"n_h={n_h}). Received: layer.units={layer.units}"
        )
    layer.set_weights([params["W_hx"].T, params["W_hh"].T, params["b_h"]])
