"""Evaluation metrics.

Introduced in chapter 1 (forecast errors); later chapters add perplexity and BLEU.
"""

import numpy as np


def _pair(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    if y_true.size == 0:
        raise ValueError(f"Cannot score empty arrays. Received: y_true.shape={y_true.shape}")
    return y_true, y_pred


def rmse(y_true, y_pred):
    """Root mean squared error, ``sqrt(mean((y_true - y_pred) ** 2))``, as a Python float.

    Args:
        y_true: Array of targets.
        y_pred: Array of predictions, same shape as `y_true`.

    Example:

    >>> rmse([0.0, 0.0], [3.0, 4.0])
    3.5355339059327378
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mae(y_true, y_pred):
    """Mean absolute error, ``mean(|y_true - y_pred|)``, as a Python float.

    Example:

    >>> mae([0.0, 0.0], [3.0, -4.0])
    3.5
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))
