"""Synthetic tasks that need a long memory, generated deterministically from a seed.

Introduced in chapter 5.
"""

import numpy as np

from seqcourse.validation import check_int

# Variance of the sum of two independent U(0, 1) values: the mean squared error of a model
# that always predicts the mean, 1.0, on the adding problem.
ADDING_BASELINE_MSE = 2.0 / 12.0


def make_adding_problem(n, length, seed=0):
    """The adding problem of Hochreiter & Schmidhuber (1997).

    Every sequence has two channels. Channel 0 holds values drawn uniformly from
    ``[0, 1)``; channel 1 is a marker that is 1 at exactly two time steps, one drawn
    uniformly from the first half ``0..length // 2 - 1`` and one from the second half
    ``length // 2..length - 1``, and 0 elsewhere. The target is the sum of the two marked
    values. To predict it, a model must find the first marked value and keep it in memory
    for up to ``length - 1`` steps. Predicting the mean, 1.0, gives the mean squared error
    ``ADDING_BASELINE_MSE = 1/6`` (the variance of the target).

    Introduced in chapter 5.

    Args:
        n: Number of sequences, at least 1.
        length: Sequence length ``T``, at least 2.
        seed: Seed of the NumPy generator, an integer >= 0.

    Returns:
        ``(inputs, targets, positions)``: float32 inputs of shape ``(n, length, 2)``,
        float32 targets of shape ``(n,)``, and the int64 marked time steps, shape ``(n, 2)``
        (first half, second half).

    Example:

    >>> x, y, where = make_adding_problem(3, 10, seed=0)
    >>> x.shape, y.shape, where.shape
    ((3, 10, 2), (3,), (3, 2))
    >>> x[..., 1].sum(axis=1).tolist()
    [2.0, 2.0, 2.0]
    """
    n = check_int(n, "n", 1)
    length = check_int(length, "length", 2)
    seed = check_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    half = length // 2
    values = rng.uniform(0.0, 1.0, size=(n, length))
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    inputs = np.stack([values, markers], axis=-1).astype(np.float32)
    targets = (inputs[rows, first, 0] + inputs[rows, second, 0]).astype(np.float32)
    return inputs, targets, np.stack([first, second], axis=1).astype(np.int64)
