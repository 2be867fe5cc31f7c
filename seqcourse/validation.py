"""Argument checks shared by the seqcourse modules.

Every public seqcourse function validates its inputs and raises
``ValueError("... Received: name=...")``, in the style of Keras. These helpers hold the
checks that many modules need, so that each message is written once.

Introduced in chapter 1.
"""

import numpy as np


def check_int(value, name, minimum):
    """Returns `value` as an int if it is an integer (not a bool) ``>= minimum``.

    Args:
        value: The argument to check.
        name: Its name, for the message.
        minimum: The smallest allowed value.

    Returns:
        ``int(value)``.

    Raises:
        ValueError: ``"`name` must be an integer >= minimum. Received: name=value"``
            (``"a positive integer"`` when `minimum` is 1).

    Example:

    >>> check_int(np.int64(3), "n", 1)
    3
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"`{name}` must be {what}. Received: {name}={value!r}")
    return int(value)


def check_float_array(value, name, ndim):
    """Returns `value` as a NumPy array if it is a float array with `ndim` dimensions.

    Args:
        value: The argument to check (array-like).
        name: Its name, for the message.
        ndim: The required number of dimensions.

    Returns:
        ``np.asarray(value)`` (no copy, dtype kept).

    Raises:
        ValueError: ``"`name` must be a N-D float array. Received: name.shape=..., dtype=..."``.

    Example:

    >>> check_float_array(np.zeros((2, 3)), "x", 2).shape
    (2, 3)
    """
    value = np.asarray(value)
    if value.ndim != ndim or not np.issubdtype(value.dtype, np.floating):
        raise ValueError(
            f"`{name}` must be a {ndim}-D float array. "
            f"Received: {name}.shape={value.shape}, dtype={value.dtype}"
        )
    return value


def _check_batch(x, name, expected, states, n_x, n_h):
    x = check_float_array(x, name, len(expected))
    arrays = tuple(check_float_array(v, key, 2) for key, v in states.items())
    batch = x.shape[0]
    ok = x.shape[-1] == n_x and all(a.shape == (batch, n_h) for a in arrays)
    if len(expected) == 3:
        ok = ok and x.shape[1] >= 1
    if not ok:
        names = ", ".join(states)
        received = ", ".join(f"{k}.shape={a.shape}" for k, a in zip(states, arrays, strict=True))
        raise ValueError(
            f"Expected {name} ({', '.join(expected)}) and {names} (batch, {n_h}). "
            f"Received: {name}.shape={x.shape}, {received}"
        )
    return x, arrays


def check_step_batch(x_t, states, n_x, n_h):
    """Checks the inputs of one time step and the states of a recurrent cell.

    Args:
        x_t: Inputs at one step, a float array of shape ``(batch, n_x)``.
        states: Dict of previous states by name (e.g. ``{"h_prev": h_prev}``), each a float
            array ``(batch, n_h)``.
        n_x: Input size.
        n_h: Hidden size.

    Returns:
        ``(x_t, states)`` as NumPy arrays, the states in the order given.

    Raises:
        ValueError: naming the expected shapes and the received ones.

    Example:

    >>> x_t, (h,) = check_step_batch(np.ones((2, 3)), {"h_prev": np.zeros((2, 4))}, 3, 4)
    >>> x_t.shape, h.shape
    ((2, 3), (2, 4))
    """
    return _check_batch(x_t, "x_t", ("batch", str(n_x)), states, n_x, n_h)


def check_sequence_batch(x, states, n_x, n_h):
    """Checks a batch of input sequences and the initial states of a recurrent layer.

    Args:
        x: Inputs, a float array of shape ``(batch, time >= 1, n_x)``.
        states: Dict of initial states by name (e.g. ``{"h0": h0}`` or
            ``{"h0": h0, "c0": c0}``), each a float array ``(batch, n_h)``.
        n_x: Input size.
        n_h: Hidden size.

    Returns:
        ``(x, states)`` as NumPy arrays, the states in the order given.

    Raises:
        ValueError: naming the expected shapes and the received ones.

    Example:

    >>> x, (h0,) = check_sequence_batch(np.ones((2, 5, 3)), {"h0": np.zeros((2, 4))}, 3, 4)
    >>> x.shape, h0.shape
    ((2, 5, 3), (2, 4))
    """
    return _check_batch(x, "x", ("batch", "time >= 1", str(n_x)), states, n_x, n_h)
