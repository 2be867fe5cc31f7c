"""Gradient checking: central finite differences and the relative error used to compare.

A gradient computed by hand (or by an autodiff library) is checked against central
differences, ``(f(w + eps e_i) - f(w - eps e_i)) / (2 eps)`` for every entry ``i``, whose
error is ``O(eps**2)`` plus round-off of order ``machine_eps * |f| / eps``. In float64 with
``eps = 1e-6`` the two terms give a relative error near ``1e-9`` or below for smooth
functions of moderate size.

Introduced in chapter 3.
"""

import numpy as np

TINY = 1e-300


def relative_error(a, b):
    """Relative error ``||a - b|| / max(||a|| + ||b||, tiny)`` of two arrays (Frobenius norms).

    It is 0 when the arrays are equal, at most 1, and scale-free. The floor ``tiny`` (1e-300)
    only guards the case where both arrays are zero, which gives 0.

    Introduced in chapter 3.

    Args:
        a: Array.
        b: Array of the same shape as `a`.

    Returns:
        A Python float in [0, 1].

    Example:

    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"`a` and `b` must have the same shape. Received: {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), TINY))


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function `f` with respect to the array `x`.

    `x` is perturbed in place, one entry at a time, and restored, so `f` may close over it
    (for example `x` is one entry of a parameter dict that `f` reads).

    Introduced in chapter 3.

    Args:
        f: Callable of no arguments returning a scalar that depends on `x`.
        x: Float64 NumPy array, perturbed in place and restored.
        eps: Step of the central difference.

    Returns:
        Array of the shape of `x`: ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.

    Example:

    >>> x = np.array([1.0, -2.0])
    >>> np.round(numerical_gradient(lambda: float(np.sum(x**2)), x), 6)
    array([ 2., -4.])
    """
    if not callable(f):
        raise ValueError(f"`f` must be callable. Received: f={f!r}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise ValueError(f"`x` must be a float64 NumPy array. Received: x of type/dtype {got}")
    if not np.isscalar(eps) or not eps > 0:
        raise ValueError(f"`eps` must be a positive number. Received: eps={eps!r}")
    if not x.flags["C_CONTIGUOUS"]:
        raise ValueError(
            "`x` must be C-contiguous, so that it can be perturbed in place. "
            f"Received: x with strides {x.strides}"
        )
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)  # views of x and grad
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = float(f())
        flat[i] = old - eps
        f_minus = float(f())
        flat[i] = old
        g[i] = (f_plus - f_minus) / (2 * eps)
    return grad
