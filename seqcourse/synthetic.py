"""Synthetic sequence tasks, generated deterministically from a seed.

Introduced in chapter 1.
"""

import numpy as np

from seqcourse.validation import check_int


def make_token_presence(n_samples, length, vocab_size, target, positions, seed=0):
    """Token sequences labelled by whether a target token occurs in them.

    Half of the sequences (label 1) contain `target` exactly once, at a position drawn
    uniformly from `positions`; the others (label 0) do not contain it. All other tokens are
    drawn uniformly from ``1..vocab_size - 1`` without the target (0 is kept for padding).
    Training on some positions and testing on others shows whether a model shares what it
    learned across positions (chapter 1).

    Introduced in chapter 1.

    Args:
        n_samples: Number of sequences (even).
        length: Sequence length.
        vocab_size: Number of token ids, including the padding id 0; at least 3.
        target: The target token id, in ``1..vocab_size - 1``.
        positions: Sequence of allowed positions of the target, each in ``0..length - 1``.
        seed: Seed of the NumPy generator.

    Returns:
        ``(tokens, labels)``: int32 arrays of shapes ``(n_samples, length)`` and
        ``(n_samples,)``.

    Example:

    >>> x, y = make_token_presence(4, 5, 10, target=7, positions=[0, 1], seed=0)
    >>> x.shape, y.tolist()
    ((4, 5), [1, 0, 1, 0])
    >>> bool(np.all((x == 7).any(axis=1) == (y == 1)))
    True
    """
    n_samples = check_int(n_samples, "n_samples", 2)
    if n_samples % 2:
        raise ValueError(f"`n_samples` must be even. Received: n_samples={n_samples}")
    length = check_int(length, "length", 1)
    vocab_size = check_int(vocab_size, "vocab_size", 3)
    target = check_int(target, "target", 1)
    if target >= vocab_size:
        raise ValueError(
            f"`target` must be in 1..vocab_size - 1 = {vocab_size - 1}. Received: target={target}"
        )
    positions = np.asarray(positions)
    if (
        positions.ndim != 1
        or positions.size == 0
        or not np.issubdtype(positions.dtype, np.integer)
        or positions.min() < 0
        or positions.max() >= length
    ):
        raise ValueError(
            f"`positions` must be a non-empty list of integers in 0..{length - 1}. "
            f"Received: positions={positions.tolist()}"
        )
    seed = check_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    others = np.array([t for t in range(1, vocab_size) if t != target])
    tokens = others[rng.integers(0, others.size, size=(n_samples, length))]
    labels = np.tile(np.array([1, 0]), n_samples // 2)
    where = rng.choice(positions, size=n_samples)
    rows = np.flatnonzero(labels)
    tokens[rows, where[rows]] = target
    return tokens.astype(np.int32), labels.astype(np.int32)
