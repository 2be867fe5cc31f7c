"""Language models: sampling with temperature, perplexity, and character n-gram baselines.

A language model gives the probability of the next token given the previous ones,
``P(x<t> | x<1>, ..., x<t-1>)``. This module holds what is independent of the network that
computes it: sampling a sequence by feeding samples back (`sample_sequence`), turning a mean
cross-entropy into perplexity and bits per character, and count-based n-gram models with add-k
smoothing (`NGramModel`) to compare recurrent networks against.

Introduced in chapter 2.
"""

import math
import numbers

import numpy as np


def _check_nats(mean_nats):
    if (
        isinstance(mean_nats, bool)
        or not isinstance(mean_nats, numbers.Real)
        or not math.isfinite(mean_nats)
        or mean_nats < 0
    ):
        raise ValueError(
            "`mean_nats` must be a finite, non-negative number (a mean cross-entropy in nats). "
            f"Received: mean_nats={mean_nats!r}"
        )
    return float(mean_nats)


def perplexity(mean_nats):
    """Perplexity ``exp(H)`` from a mean cross-entropy ``H`` in nats per token.

    A perplexity of ``k`` means the model is as uncertain as a uniform choice among ``k``
    tokens; a uniform model over a vocabulary of size ``V`` has perplexity ``V``.

    Introduced in chapter 2.

    Args:
        mean_nats: Mean negative log-likelihood per token, natural logarithm.

    Returns:
        The perplexity, a float ``>= 1``.

    Example:

    >>> round(perplexity(math.log(27)), 6)
    27.0
    """
    return math.exp(_check_nats(mean_nats))


def bits_per_character(mean_nats):
    """Bits per character ``H / ln 2`` from a mean cross-entropy ``H`` in nats per character.

    Introduced in chapter 2.

    Args:
        mean_nats: Mean negative log-likelihood per character, natural logarithm.

    Returns:
        The same cross-entropy in bits (base-2 logarithm).

    Example:

    >>> bits_per_character(math.log(4))
    2.0
    """
    return _check_nats(mean_nats) / math.log(2)


def _next_logits(model, tokens):
    """Logits of the next token, ``(batch, vocab)``, from a callable or a Keras model."""
    import keras

    if isinstance(model, keras.Model):
        out = np.asarray(model(tokens, training=False))
        if out.ndim != 3:
            raise ValueError(
                "A Keras `model` must map token ids (batch, time) to logits (batch, time, "
                f"vocab). Received: output shape {out.shape}"
            )
        return out[:, -1, :]
    return np.asarray(model(tokens))


def sample_sequence(
    model, prefix, max_length, temperature=1.0, seed=None, end_id=None, num_samples=1
):
    """Samples continuations of `prefix` token by token, feeding each sample back as input.

    At every step the next-token distribution is ``softmax(logits / temperature)``.
    Temperature 1 samples from the model; below 1 sharpens the distribution (more likely,
    less varied samples), above 1 flattens it. Temperature 0 is greedy decoding: the most
    likely token, always.

    Introduced in chapter 2.

    Args:
        model: A `keras.Model` mapping token ids ``(batch, time)`` to logits
            ``(batch, time, vocab)`` (the last step is used), or a callable mapping token ids
            ``(batch, time)`` to next-token logits (or log-probabilities) ``(batch, vocab)``.
        prefix: Non-empty sequence of int token ids to start from (e.g. ``[start_id]``).
        max_length: Maximum number of tokens to generate after the prefix.
        temperature: Non-negative float.
        seed: Seed of the NumPy generator that draws the samples.
        end_id: Token id that ends a sequence, or None. It is not included in the output.
        num_samples: Number of sequences to sample (as one batch).

    Returns:
        A list of `num_samples` lists of generated token ids (prefix not included).

    Example:

    >>> uniform = lambda tokens: np.zeros((tokens.shape[0], 3))
    >>> [len(s) for s in sample_sequence(uniform, [0], max_length=4, num_samples=2)]
    [4, 4]
    """
    prefix = np.asarray(prefix)
    if prefix.ndim != 1 or prefix.size == 0 or not np.issubdtype(prefix.dtype, np.integer):
        raise ValueError(
            f"`prefix` must be a non-empty 1-D sequence of int token ids. Received: prefix={prefix}"
        )
    for name, value in (("max_length", max_length), ("num_samples", num_samples)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, numbers.Real)
        or not math.isfinite(temperature)
        or temperature < 0
    ):
        raise ValueError(
            f"`temperature` must be a finite number >= 0. Received: temperature={temperature!r}"
        )
    rng = np.random.default_rng(seed)
    tokens = np.tile(prefix.astype(np.int32), (num_samples, 1))  # (num_samples, time)
    done = np.zeros(num_samples, dtype=bool)
    generated = [[] for _ in range(num_samples)]
    for _ in range(max_length):
        logits = _next_logits(model, tokens).astype(np.float64)
        if logits.ndim != 2 or logits.shape[0] != num_samples:
            raise ValueError(
                f"`model` must return next-token logits of shape ({num_samples}, vocab). "
                f"Received: shape {logits.shape}"
            )
        if temperature == 0:
            next_ids = logits.argmax(axis=-1)
        else:
            z = logits / temperature
            z = z - z.max(axis=-1, keepdims=True)
            probs = np.exp(z)
            cdf = np.cumsum(probs / probs.sum(axis=-1, keepdims=True), axis=-1)
            u = rng.random(num_samples)[:, None]
            next_ids = np.minimum((cdf < u).sum(axis=-1), logits.shape[1] - 1)
        for i, token in enumerate(next_ids):
            if done[i]:
                continue
            if end_id is not None and token == end_id:
                done[i] = True
            else:
                generated[i].append(int(token))
        if done.all():
            break
        tokens = np.concatenate([tokens, next_ids[:, None].astype(np.int32)], axis=1)
    return generated


class NGramModel:
    """A count-based n-gram language model over token ids, with add-k smoothing.

    The probability of token ``w`` after the context ``c`` (the previous ``order - 1``
    tokens) is ``(count(c, w) + k) / (count(c) + k * vocab_size)``. Every sequence is padded
    with ``order - 1`` copies of `boundary_id` in front, and `boundary_id` is also predicted
    after its last token, so the model learns where sequences start and end. ``order=1`` is
    the unigram model (no context), ``order=2`` the bigram model, and so on.

    Introduced in chapter 2.

    Args:
        order: The ``n`` of the n-gram, ``>= 1``.
        vocab_size: Number of token ids, ``0 .. vocab_size - 1`` (the boundary included).
        k: Smoothing pseudo-count, ``> 0`` (``k = 1`` is Laplace smoothing).
        boundary_id: Token id that marks the start and end of a sequence.

    Example:

    >>> lm = NGramModel(order=2, vocab_size=3).fit([[1, 2], [1, 1, 2]])
    >>> lm.probabilities([1]).round(2)
    array([0.17, 0.33, 0.5 ])
    """

    def __init__(self, order, vocab_size, k=1.0, boundary_id=0):
        for name, value, minimum in (("order", order, 1), ("vocab_size", vocab_size, 2)):
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Integral)
                or value < minimum
            ):
                raise ValueError(
                    f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
                )
        if isinstance(k, bool) or not isinstance(k, numbers.Real) or not k > 0:
            raise ValueError(f"`k` must be a positive number. Received: k={k!r}")
        if not isinstance(boundary_id, numbers.Integral) or not 0 <= boundary_id < vocab_size:
            raise ValueError(
                f"`boundary_id` must be an id in [0, {vocab_size}). "
                f"Received: boundary_id={boundary_id!r}"
            )
        self.order = int(order)
        self.vocab_size = int(vocab_size)
        self.k = float(k)
        self.boundary_id = int(boundary_id)
        self.counts = {}  # context tuple -> (vocab_size,) int64 counts of the next token

    def _events(self, sequence):
        """Yields (context, next token) for one sequence, boundaries added."""
        ids = np.asarray(sequence)
        if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(
                f"Each sequence must be a 1-D sequence of int token ids. Received: {sequence!r}"
            )
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size):
            raise ValueError(
                f"Token ids must lie in [0, {self.vocab_size}). Received: sequence={sequence!r}"
            )
        padded = [self.boundary_id] * (self.order - 1) + [int(i) for i in ids]
        padded.append(self.boundary_id)
        for t in range(self.order - 1, len(padded)):
            yield tuple(padded[t - self.order + 1 : t]), padded[t]

    def fit(self, sequences):
        """Counts the n-grams of `sequences` (an iterable of id sequences); returns self."""
        for sequence in sequences:
            for context, token in self._events(sequence):
                row = self.counts.get(context)
                if row is None:
                    row = self.counts[context] = np.zeros(self.vocab_size, dtype=np.int64)
                row[token] += 1
        return self

    def probabilities(self, context):
        """Next-token distribution ``(vocab_size,)`` after `context` (its last order-1 ids)."""
        context = tuple(int(i) for i in context)
        if len(context) < self.order - 1:
            context = (self.boundary_id,) * (self.order - 1 - len(context)) + context
        context = context[len(context) - self.order + 1 :] if self.order > 1 else ()
        row = self.counts.get(context)
        counts = np.zeros(self.vocab_size) if row is None else row
        return (counts + self.k) / (counts.sum() + self.k * self.vocab_size)

    def cross_entropy(self, sequences):
        """Mean negative log-likelihood (nats) per predicted token, end boundaries included."""
        total, n = 0.0, 0
        for sequence in sequences:
            for context, token in self._events(sequence):
                total -= math.log(self.probabilities(context)[token])
                n += 1
        if n == 0:
            raise ValueError("`sequences` must hold at least one sequence. Received: none")
        return total / n

    def num_counts(self):
        """The size of the model: the number of distinct (context, token) pairs counted."""
        return int(sum(np.count_nonzero(row) for row in self.counts.values()))

    def __call__(self, tokens):
        """Next-token log-probabilities ``(batch, vocab)`` for id arrays ``(batch, time)``.

        This makes an `NGramModel` usable as the `model` of `sample_sequence`.
        """
        tokens = np.asarray(tokens)
        return np.log(np.stack([self.probabilities(row) for row in tokens]))
