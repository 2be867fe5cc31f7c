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
