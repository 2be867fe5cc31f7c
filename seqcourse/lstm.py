"""NumPy reference implementation of the LSTM and two of its variants, forward pass.

The book's equations (``book/notation.md``), batch-first with row vectors, for the standard
LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000):

    i<t> = sigmoid(x<t> K_i + h<t-1> R_i + b_i)          input gate
    f<t> = sigmoid(x<t> K_f + h<t-1> R_f + b_f)          forget gate
    C~<t> = tanh(x<t> K_c + h<t-1> R_c + b_c)            candidate
    o<t> = sigmoid(x<t> K_o + h<t-1> R_o + b_o)          output gate
    C<t> = f<t> * C<t-1> + i<t> * C~<t>
    h<t> = o<t> * tanh(C<t>)

Variants (argument ``variant``):

- ``"peephole"`` (Gers & Schmidhuber 2000): the gates also look at the cell state through
  diagonal ("peephole") weights: ``i`` and ``f`` add ``p_i * C<t-1>`` and ``p_f * C<t-1>``,
  ``o`` adds ``p_o * C<t>`` (the new cell state).
- ``"coupled"``: one update gate ``G_u`` plays both roles: the forget gate is ``G_u`` and the
  input gate is ``1 - G_u``, so ``C<t> = G_u * C<t-1> + (1 - G_u) * C~<t>``. It has three
  blocks instead of four.

Parameters use Keras's layout, so they copy to and from `keras.layers.LSTM` unchanged:

    "kernel": (n_x, 4 n_h)   "recurrent_kernel": (n_h, 4 n_h)   "bias": (4 n_h,)

with the gate blocks in Keras's order **i, f, c, o** (column block ``k`` is
``[:, k * n_h:(k + 1) * n_h]``). ``"peephole"`` adds ``"peephole_i"``, ``"peephole_f"``,
``"peephole_o"``, each ``(n_h,)``; ``"coupled"`` has 3 blocks in the order **f (= G_u), c, o**.
In the book's column-vector notation the block ``K_f`` is ``W_fx.T`` and ``R_f`` is ``W_fh.T``.

Introduced in chapter 5.
"""

import numpy as np

from seqcourse.validation import check_float_array, check_sequence_batch, check_step_batch

VARIANTS = ("standard", "peephole", "coupled")
GATE_ORDER = {
    "standard": ("input", "forget", "candidate", "output"),
    "peephole": ("input", "forget", "candidate", "output"),
    "coupled": ("update", "candidate", "output"),
}
PEEPHOLE_KEYS = ("peephole_i", "peephole_f", "peephole_o")


def _check_variant(variant):
    if variant not in VARIANTS:
        raise ValueError(
            f"`variant` must be one of {list(VARIANTS)}. Received: variant={variant!r}"
        )
    return len(GATE_ORDER[variant])


def _sigmoid(z):
    # Written so that exp never overflows: the same value for large |z| of either sign.
    return np.exp(-np.logaddexp(0.0, -z))


def check_lstm_params(params, variant="standard"):
    """Validates an LSTM parameter dict and returns ``(n_x, n_h)``.

    Introduced in chapter 5.

    Args:
        params: Dict with ``"kernel"``, ``"recurrent_kernel"``, ``"bias"`` (and the three
            peephole vectors for ``variant="peephole"``), see the module docstring.
        variant: ``"standard"``, ``"peephole"`` or ``"coupled"``.

    Returns:
        The sizes ``(n_x, n_h)``.

    Example:

    >>> check_lstm_params(init_lstm_params(3, 5))
    (3, 5)
    """
    blocks = _check_variant(variant)
    keys = ("kernel", "recurrent_kernel", "bias") + (PEEPHOLE_KEYS if variant == "peephole" else ())
    if not isinstance(params, dict) or any(k not in params for k in keys):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(
            f"`params` must be a dict with keys {list(keys)} for variant={variant!r}. "
            f"Received: params={got}"
        )
    kernel = check_float_array(params["kernel"], "kernel", 2)
    recurrent = check_float_array(params["recurrent_kernel"], "recurrent_kernel", 2)
    bias = check_float_array(params["bias"], "bias", 1)
    n_x, width = kernel.shape
    n_h = width // blocks
    if (
        n_h < 1
        or width != blocks * n_h
        or recurrent.shape != (n_h, blocks * n_h)
        or bias.shape != (blocks * n_h,)
    ):
        raise ValueError(
            f"Inconsistent shapes for variant={variant!r} ({blocks} gate blocks): need kernel "
            f"(n_x, {blocks} n_h), recurrent_kernel (n_h, {blocks} n_h), bias ({blocks} n_h,). "
            f"Received: kernel.shape={kernel.shape}, recurrent_kernel.shape={recurrent.shape}, "
            f"bias.shape={bias.shape}"
        )
    if variant == "peephole":
        for key in PEEPHOLE_KEYS:
            p = check_float_array(params[key], key, 1)
            if p.shape != (n_h,):
                raise ValueError(
                    f"`{key}` must have shape ({n_h},). Received: {key}.shape={p.shape}"
                )
    return n_x, n_h


def init_lstm_params(n_x, n_h, seed=0, dtype=np.float64, variant="standard"):
    """Random LSTM parameters in Keras's layout (Gaussian, std ``1/sqrt(fan_in)``).

    The biases and peephole weights are random too (not Keras's zeros and forget bias of 1),
    so that tests exercise every term of the equations.

    Introduced in chapter 5.

    Args:
        n_x: Input size.
        n_h: Hidden size (number of units).
        seed: Seed of the NumPy generator.
        dtype: Float dtype of the arrays.
        variant: ``"standard"``, ``"peephole"`` or ``"coupled"``.

    Returns:
        A parameter dict (see the module docstring).

    Example:

    >>> p = init_lstm_params(3, 5)
    >>> {k: v.shape for k, v in p.items()}
    {'kernel': (3, 20), 'recurrent_kernel': (5, 20), 'bias': (20,)}
    """
    for name, value in (("n_x", n_x), ("n_h", n_h)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    blocks = _check_variant(variant)
    rng = np.random.default_rng(seed)

    def draw(shape, fan_in):
        return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(dtype)

    params = {
        "kernel": draw((n_x, blocks * n_h), n_x),
        "recurrent_kernel": draw((n_h, blocks * n_h), n_h),
        "bias": draw((blocks * n_h,), n_h),
    }
    if variant == "peephole":
        for key in PEEPHOLE_KEYS:
            params[key] = draw((n_h,), n_h)
    return params


def _step(x_t, h_prev, c_prev, params, variant, n_h):
    z = x_t @ params["kernel"] + h_prev @ params["recurrent_kernel"] + params["bias"]
    blocks = [z[:, k * n_h : (k + 1) * n_h] for k in range(len(GATE_ORDER[variant]))]
    if variant == "coupled":
        z_u, z_c, z_o = blocks
        u = _sigmoid(z_u)
        candidate = np.tanh(z_c)
        c_t = u * c_prev + (1 - u) * candidate
        o = _sigmoid(z_o)
        gates = {"update": u, "forget": u, "candidate": candidate, "output": o}
    else:
        z_i, z_f, z_c, z_o = blocks
        if variant == "peephole":
            z_i = z_i + params["peephole_i"] * c_prev
            z_f = z_f + params["peephole_f"] * c_prev
        i = _sigmoid(z_i)
        f = _sigmoid(z_f)
        candidate = np.tanh(z_c)
        c_t = f * c_prev + i * candidate
        if variant == "peephole":
            z_o = z_o + params["peephole_o"] * c_t
        o = _sigmoid(z_o)
        gates = {"input": i, "forget": f, "candidate": candidate, "output": o}
    h_t = o * np.tanh(c_t)
    return h_t, c_t, gates


def lstm_cell_forward(x_t, h_prev, c_prev, params, variant="standard"):
    """One step of the LSTM (or of a variant): returns ``(h_t, c_t, gates)``.

    Introduced in chapter 5.

    Args:
        x_t: Inputs at step t, shape ``(batch, n_x)``.
        h_prev: Hidden state at step t-1, shape ``(batch, n_h)``.
        c_prev: Cell state at step t-1, shape ``(batch, n_h)``.
        params: Parameter dict (see the module docstring).
        variant: ``"standard"``, ``"peephole"`` or ``"coupled"``.

    Returns:
        ``(h_t, c_t, gates)``: the new hidden and cell states, each ``(batch, n_h)``, and a
        dict of the gate activations, each ``(batch, n_h)``: ``"input"``, ``"forget"``,
        ``"candidate"`` (C~), ``"output"``; for ``"coupled"`` there is no ``"input"`` (it is
        ``1 - forget``) and ``"update"`` (G_u) is the same array as ``"forget"``.

    Example:

    >>> p = init_lstm_params(3, 4)
    >>> h, c, gates = lstm_cell_forward(np.ones((2, 3)), np.zeros((2, 4)), np.zeros((2, 4)), p)
    >>> h.shape, c.shape, sorted(gates)
    ((2, 4), (2, 4), ['candidate', 'forget', 'input', 'output'])
    """
    n_x, n_h = check_lstm_params(params, variant)
    x_t, (h_prev, c_prev) = check_step_batch(x_t, {"h_prev": h_prev, "c_prev": c_prev}, n_x, n_h)
    return _step(x_t, h_prev, c_prev, params, variant, n_h)


def lstm_forward(x, h0, c0, params, variant="standard"):
    """Runs the LSTM (or a variant) over a batch of sequences.

    Introduced in chapter 5.

    Args:
        x: Inputs, shape ``(batch, time, n_x)``.
        h0: Initial hidden state, shape ``(batch, n_h)``.
        c0: Initial cell state, shape ``(batch, n_h)``.
        params: Parameter dict (see the module docstring).
        variant: ``"standard"``, ``"peephole"`` or ``"coupled"``.

    Returns:
        ``(hs, cs, cache)``: ``hs`` and ``cs`` of shape ``(batch, time, n_h)`` hold
        ``h<1>..h<T>`` and ``C<1>..C<T>``; ``cache`` is a dict with ``"x"``, ``"h0"``,
        ``"c0"``, ``"hs"``, ``"cs"``, ``"params"``, ``"variant"`` and ``"gates"`` (a dict of
        arrays ``(batch, time, n_h)`` with the keys of `lstm_cell_forward`).

    Example:

    >>> p = init_lstm_params(3, 4)
    >>> z = np.zeros((2, 4))
    >>> hs, cs, cache = lstm_forward(np.ones((2, 5, 3)), z, z, p)
    >>> hs.shape, cache["gates"]["forget"].shape
    ((2, 5, 4), (2, 5, 4))
    """
    n_x, n_h = check_lstm_params(params, variant)
    x, (h0, c0) = check_sequence_batch(x, {"h0": h0, "c0": c0}, n_x, n_h)
    batch, time, _ = x.shape
    dtype = np.result_type(x, params["kernel"])
    hs = np.empty((batch, time, n_h), dtype=dtype)
    cs = np.empty((batch, time, n_h), dtype=dtype)
    names = GATE_ORDER[variant]
    gates = {name: np.empty((batch, time, n_h), dtype=dtype) for name in names}
    h, c = h0, c0
    for t in range(time):
        h, c, g = _step(x[:, t], h, c, params, variant, n_h)
        hs[:, t], cs[:, t] = h, c
        for name in names:
            gates[name][:, t] = g[name]
    if variant == "coupled":
        gates["forget"] = gates["update"]
    cache = {
        "x": x,
        "h0": h0,
        "c0": c0,
        "hs": hs,
        "cs": cs,
        "gates": gates,
        "params": params,
        "variant": variant,
    }
    return hs, cs, cache


def lstm_param_count(n_x, n_h, variant="standard"):
    """Number of trainable parameters of an LSTM layer (with biases).

    ``4 (n_h (n_h + n_x) + n_h)`` for the standard LSTM, ``3 n_h`` more with peepholes, and
    ``3 (n_h (n_h + n_x) + n_h)`` for the coupled variant.

    Introduced in chapter 5.

    Args:
        n_x: Input size.
        n_h: Hidden size.
        variant: ``"standard"``, ``"peephole"`` or ``"coupled"``.

    Returns:
        The count, an int.

    Example:

    >>> lstm_param_count(32, 64)
    24832
    """
    for name, value in (("n_x", n_x), ("n_h", n_h)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    blocks = _check_variant(variant)
    count = blocks * (n_h * (n_h + n_x) + n_h)
    if variant == "peephole":
        count += 3 * n_h
    return int(count)


def lstm_params_from_keras(layer_or_cell):
    """Reads the weights of a built Keras LSTM into a parameter dict (float64 copies).

    Introduced in chapter 5.

    Args:
        layer_or_cell: A built `keras.layers.LSTM`, `keras.layers.LSTMCell`,
            `seqcourse.cells.LSTMCell`, or a `keras.layers.RNN` wrapping one of the cells,
            with ``use_bias=True``.

    Returns:
        A parameter dict in the layout of the module docstring; for a `seqcourse.cells.LSTMCell`
        the layout of its variant (``cell.variant``).

    Example:

    >>> import keras
    >>> layer = keras.layers.LSTM(4)
    >>> layer.build((None, None, 3))
    >>> lstm_params_from_keras(layer)["kernel"].shape
    (3, 16)
    """
    import keras

    from seqcourse import cells

    cell = layer_or_cell
    if isinstance(cell, keras.layers.RNN):  # keras.layers.LSTM is an RNN too
        cell = cell.cell
    if not isinstance(cell, keras.layers.LSTMCell | cells.LSTMCell) or not cell.built:
        raise ValueError(
            "`layer_or_cell` must be a built keras.layers.LSTM, keras.layers.LSTMCell or "
            f"seqcourse.cells.LSTMCell. Received: layer_or_cell={layer_or_cell!r}"
        )
    if not cell.use_bias:
        raise ValueError("The LSTM must use a bias. Received: a cell with use_bias=False")
    params = {
        "kernel": np.array(cell.kernel.numpy(), dtype=np.float64),
        "recurrent_kernel": np.array(cell.recurrent_kernel.numpy(), dtype=np.float64),
        "bias": np.array(cell.bias.numpy(), dtype=np.float64),
    }
    if getattr(cell, "variant", "standard") == "peephole":
        for key in PEEPHOLE_KEYS:
            params[key] = np.array(getattr(cell, key).numpy(), dtype=np.float64)
    return params
