"""NumPy reference implementation of the GRU (Cho et al. 2014), forward pass.

The equations, batch-first with row vectors, in Keras's convention (``reset_after=False``):

    z<t> = sigmoid(x<t> K_z + h<t-1> R_z + b_z)               update gate
    r<t> = sigmoid(x<t> K_r + h<t-1> R_r + b_r)               reset gate
    h~<t> = tanh(x<t> K_h + (r<t> * h<t-1>) R_h + b_h)        candidate
    h<t> = z<t> * h<t-1> + (1 - z<t>) * h~<t>

Keras keeps the *old* state where ``z`` is 1 (some texts, d2l among them, write the same
equation; others swap ``z`` and ``1 - z``). With ``reset_after=True`` (Keras's default and the
cuDNN form) the reset gate is applied after the recurrent product, and the recurrent product
has its own bias: ``h~<t> = tanh(x<t> K_h + b_h + r<t> * (h<t-1> R_h + b_rh))``; the gates
``z`` and ``r`` then add both biases.

Parameters use Keras's layout, so they copy to and from `keras.layers.GRU` unchanged:

    "kernel": (n_x, 3 n_h)   "recurrent_kernel": (n_h, 3 n_h)
    "bias": (3 n_h,) if reset_after=False, (2, 3 n_h) if reset_after=True
            (row 0: input bias, row 1: recurrent bias)

with the gate blocks in the order **z, r, h~** (block ``k`` is ``[..., k * n_h:(k + 1) * n_h]``).

Introduced in chapter 6.
"""

import numpy as np

from seqcourse.validation import check_float_array, check_sequence_batch, check_step_batch

GATE_ORDER = ("update", "reset", "candidate")


def _check_reset_after(reset_after):
    if not isinstance(reset_after, bool | np.bool_):
        raise ValueError(f"`reset_after` must be a bool. Received: reset_after={reset_after!r}")


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def check_gru_params(params, reset_after=True):
    """Validates a GRU parameter dict and returns ``(n_x, n_h)``.

    Introduced in chapter 6.

    Args:
        params: Dict with ``"kernel"``, ``"recurrent_kernel"``, ``"bias"`` (module docstring).
        reset_after: Whether the bias has the ``(2, 3 n_h)`` layout of ``reset_after=True``.

    Returns:
        The sizes ``(n_x, n_h)``.

    Example:

    >>> check_gru_params(init_gru_params(3, 5))
    (3, 5)
    """
    _check_reset_after(reset_after)
    keys = ("kernel", "recurrent_kernel", "bias")
    if not isinstance(params, dict) or any(k not in params for k in keys):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"`params` must be a dict with keys {list(keys)}. Received: params={got}")
    kernel = check_float_array(params["kernel"], "kernel", 2)
    recurrent = check_float_array(params["recurrent_kernel"], "recurrent_kernel", 2)
    bias = check_float_array(params["bias"], "bias", 2 if reset_after else 1)
    n_x, width = kernel.shape
    n_h = width // 3
    bias_shape = (2, 3 * n_h) if reset_after else (3 * n_h,)
    if n_h < 1 or width != 3 * n_h or recurrent.shape != (n_h, 3 * n_h) or bias.shape != bias_shape:
        raise ValueError(
            f"Inconsistent shapes for reset_after={reset_after}: need kernel (n_x, 3 n_h), "
            f"recurrent_kernel (n_h, 3 n_h), bias {'(2, 3 n_h)' if reset_after else '(3 n_h,)'}. "
            f"Received: kernel.shape={kernel.shape}, recurrent_kernel.shape={recurrent.shape}, "
            f"bias.shape={bias.shape}"
        )
    return n_x, n_h


def init_gru_params(n_x, n_h, seed=0, dtype=np.float64, reset_after=True):
    """Random GRU parameters in Keras's layout (Gaussian, std ``1/sqrt(fan_in)``).

    The biases are random too (Keras starts them at zero), so that tests exercise every term.

    Introduced in chapter 6.

    Args:
        n_x: Input size.
        n_h: Hidden size (number of units).
        seed: Seed of the NumPy generator.
        dtype: Float dtype of the arrays.
        reset_after: Whether to use the ``(2, 3 n_h)`` bias of ``reset_after=True``.

    Returns:
        A parameter dict (see the module docstring).

    Example:

    >>> p = init_gru_params(3, 5)
    >>> {k: v.shape for k, v in p.items()}
    {'kernel': (3, 15), 'recurrent_kernel': (5, 15), 'bias': (2, 15)}
    """
    for name, value in (("n_x", n_x), ("n_h", n_h)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    _check_reset_after(reset_after)
    rng = np.random.default_rng(seed)

    def draw(shape, fan_in):
        return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(dtype)

    return {
        "kernel": draw((n_x, 3 * n_h), n_x),
        "recurrent_kernel": draw((n_h, 3 * n_h), n_h),
        "bias": draw((2, 3 * n_h) if reset_after else (3 * n_h,), n_h),
    }


def _step(x_t, h_prev, params, reset_after, n_h):
    kernel, recurrent, bias = params["kernel"], params["recurrent_kernel"], params["bias"]
    input_bias = bias[0] if reset_after else bias
    x_proj = x_t @ kernel + input_bias  # (batch, 3 n_h)
    x_z, x_r, x_h = x_proj[:, :n_h], x_proj[:, n_h : 2 * n_h], x_proj[:, 2 * n_h :]
    if reset_after:
        h_proj = h_prev @ recurrent + bias[1]
    else:
        h_proj = h_prev @ recurrent[:, : 2 * n_h]
    z = _sigmoid(x_z + h_proj[:, :n_h])
    r = _sigmoid(x_r + h_proj[:, n_h : 2 * n_h])
    if reset_after:
        candidate = np.tanh(x_h + r * h_proj[:, 2 * n_h :])
    else:
        candidate = np.tanh(x_h + (r * h_prev) @ recurrent[:, 2 * n_h :])
    h_t = z * h_prev + (1 - z) * candidate
    return h_t, {"update": z, "reset": r, "candidate": candidate}


def gru_cell_forward(x_t, h_prev, params, reset_after=True):
    """One step of the GRU: returns ``(h_t, gates)``.

    Introduced in chapter 6.

    Args:
        x_t: Inputs at step t, shape ``(batch, n_x)``.
        h_prev: Hidden state at step t-1, shape ``(batch, n_h)``.
        params: Parameter dict (see the module docstring).
        reset_after: Where the reset gate is applied (see the module docstring).

    Returns:
        ``(h_t, gates)``: the new state ``(batch, n_h)`` and a dict with ``"update"`` (z),
        ``"reset"`` (r) and ``"candidate"`` (h~), each ``(batch, n_h)``.

    Example:

    >>> p = init_gru_params(3, 4)
    >>> h, gates = gru_cell_forward(np.ones((2, 3)), np.zeros((2, 4)), p)
    >>> h.shape, sorted(gates)
    ((2, 4), ['candidate', 'reset', 'update'])
    """
    n_x, n_h = check_gru_params(params, reset_after)
    x_t, (h_prev,) = check_step_batch(x_t, {"h_prev": h_prev}, n_x, n_h)
    return _step(x_t, h_prev, params, reset_after, n_h)


def gru_forward(x, h0, params, reset_after=True):
    """Runs the GRU over a batch of sequences.

    Introduced in chapter 6.

    Args:
        x: Inputs, shape ``(batch, time, n_x)``.
        h0: Initial state, shape ``(batch, n_h)``.
        params: Parameter dict (see the module docstring).
        reset_after: Where the reset gate is applied (see the module docstring).

    Returns:
        ``(hs, cache)``: ``hs`` of shape ``(batch, time, n_h)`` holds ``h<1>..h<T>``; ``cache``
        is a dict with ``"x"``, ``"h0"``, ``"hs"``, ``"params"``, ``"reset_after"`` and
        ``"gates"`` (``"update"``, ``"reset"``, ``"candidate"``, each ``(batch, time, n_h)``).

    Example:

    >>> p = init_gru_params(3, 4)
    >>> hs, cache = gru_forward(np.ones((2, 5, 3)), np.zeros((2, 4)), p)
    >>> hs.shape, cache["gates"]["update"].shape
    ((2, 5, 4), (2, 5, 4))
    """
    n_x, n_h = check_gru_params(params, reset_after)
    x, (h0,) = check_sequence_batch(x, {"h0": h0}, n_x, n_h)
    batch, time, _ = x.shape
    dtype = np.result_type(x, params["kernel"])
    hs = np.empty((batch, time, n_h), dtype=dtype)
    gates = {name: np.empty((batch, time, n_h), dtype=dtype) for name in GATE_ORDER}
    h = h0
    for t in range(time):
        h, g = _step(x[:, t], h, params, reset_after, n_h)
        hs[:, t] = h
        for name in GATE_ORDER:
            gates[name][:, t] = g[name]
    cache = {
        "x": x,
        "h0": h0,
        "hs": hs,
        "gates": gates,
        "params": params,
        "reset_after": reset_after,
    }
    return hs, cache


def gru_param_count(n_x, n_h, reset_after=True):
    """Number of trainable parameters of a GRU layer (with biases).

    ``3 (n_h (n_h + n_x) + n_h)``, plus ``3 n_h`` for the second (recurrent) bias of
    ``reset_after=True``.

    Introduced in chapter 6.

    Args:
        n_x: Input size.
        n_h: Hidden size.
        reset_after: Whether the layer has the recurrent bias of ``reset_after=True``.

    Returns:
        The count, an int.

    Example:

    >>> gru_param_count(32, 64)
    18816
    """
    for name, value in (("n_x", n_x), ("n_h", n_h)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    _check_reset_after(reset_after)
    return int(3 * (n_h * (n_h + n_x) + n_h) + (3 * n_h if reset_after else 0))


def gru_params_from_keras(layer_or_cell):
    """Reads the weights of a built Keras GRU into a parameter dict (float64 copies).

    Introduced in chapter 6.

    Args:
        layer_or_cell: A built `keras.layers.GRU`, `keras.layers.GRUCell`,
            `seqcourse.cells.GRUCell`, or a `keras.layers.RNN` wrapping one of the cells, with
            ``use_bias=True``. Its ``reset_after`` fixes the bias layout.

    Returns:
        A parameter dict in the layout of the module docstring.

    Example:

    >>> import keras
    >>> layer = keras.layers.GRU(4)
    >>> layer.build((None, None, 3))
    >>> gru_params_from_keras(layer)["bias"].shape
    (2, 12)
    """
    import keras

    from seqcourse import cells

    cell = layer_or_cell
    if isinstance(cell, keras.layers.RNN):  # keras.layers.GRU is an RNN too
        cell = cell.cell
    if not isinstance(cell, keras.layers.GRUCell | cells.GRUCell) or not cell.built:
        raise ValueError(
            "`layer_or_cell` must be a built keras.layers.GRU, keras.layers.GRUCell or "
            f"seqcourse.cells.GRUCell. Received: layer_or_cell={layer_or_cell!r}"
        )
    if not cell.use_bias:
        raise ValueError("The GRU must use a bias. Received: a cell with use_bias=False")
    return {
        "kernel": np.array(cell.kernel.numpy(), dtype=np.float64),
        "recurrent_kernel": np.array(cell.recurrent_kernel.numpy(), dtype=np.float64),
        "bias": np.array(cell.bias.numpy(), dtype=np.float64),
    }
