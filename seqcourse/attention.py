"""Attention: additive (Bahdanau) and multiplicative (Luong) scores, masks, NumPy references.

A query ``s`` (a decoder state, or any vector) attends over ``T_v`` annotations ``a<j>``
(encoder outputs, or the cells of an image feature map). With the notation of the book,

    e<t,j> = score(s<t>, a<j>)                                  alignment scores (T_q, T_v)
    alpha<t,j> = exp(e<t,j>) / sum_k exp(e<t,k>)                softmax over j
    c<t> = sum_j alpha<t,j> a<j>                                context vector

and the score functions of this module are

    additive (Bahdanau et al. 2015):  e<t,j> = v_a^T tanh(W_a s<t> + U_a a<j>)
    dot (Luong et al. 2015):          e<t,j> = s<t>^T a<j>
    general (Luong et al. 2015):      e<t,j> = s<t>^T W_a a<j>

Code is batch-first with row vectors, so a product ``W v`` becomes ``v @ W.T``. The Keras
layers store the matrices in the layout that needs no transpose at run time:

    additive: "query_kernel" (d_q, units) = W_a^T, "key_kernel" (d_k, units) = U_a^T,
              "score_vector" (units,) = v_a
    general:  "kernel" (d_q, d_k) = W_a

Keys are the vectors the scores compare the query with, values the vectors that are
averaged; by default (and in the book's equations) both are the annotations ``a<j>``.

A boolean mask ``(batch, T_v)`` marks the real (True) and the padded (False) positions. A
padded position gets a weight of exactly 0: its score is replaced by a large negative number
before the softmax, and its weight is set to 0 after it. A row whose positions are all masked
gets all-zero weights and a zero context.

Introduced in chapter 8.
"""

import keras
import numpy as np
from keras import ops

from seqcourse.validation import check_float_array, check_int

SCORES = ("additive", "dot", "general")
MASK_VALUE = -1e9  # replaces the score of a masked position before the softmax (float32-safe)


# ----------------------------------------------------------------------------- NumPy references


def _check_attention_inputs(query, values, keys, mask):
    query = np.asarray(query)
    if query.ndim not in (2, 3) or not np.issubdtype(query.dtype, np.floating):
        raise ValueError(
            "`query` must be a float array (batch, d_q) or (batch, T_q, d_q). "
            f"Received: query.shape={query.shape}, dtype={query.dtype}"
        )
    values = check_float_array(values, "values", 3)
    keys = values if keys is None else check_float_array(keys, "keys", 3)
    if values.shape[0] != query.shape[0] or keys.shape[:2] != values.shape[:2]:
        raise ValueError(
            "Expected query (batch, [T_q,] d_q), values (batch, T_v, d_v) and keys "
            f"(batch, T_v, d_k). Received: query.shape={query.shape}, "
            f"values.shape={values.shape}, keys.shape={keys.shape}"
        )
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != np.bool_ or mask.shape != values.shape[:2]:
            raise ValueError(
                f"`mask` must be a boolean array (batch, T_v) = {values.shape[:2]}. "
                f"Received: mask.shape={mask.shape}, dtype={mask.dtype}"
            )
    return query, values, keys, mask


def _check_params(params, names):
    if not isinstance(params, dict) or any(k not in params for k in names):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"`params` must be a dict with keys {list(names)}. Received: params={got}")
    return [np.asarray(params[k]) for k in names]


def masked_softmax(scores, mask=None):
    """Softmax over the last axis in which masked positions get exactly 0 weight (NumPy).

    Introduced in chapter 8.

    Args:
        scores: Float array ``(..., T_v)``, e.g. ``(batch, T_q, T_v)``.
        mask: Optional boolean array broadcastable to `scores`; False marks a position that
            must get 0 weight. A row with no True position gets all-zero weights.

    Returns:
        Array of the shape of `scores`, non-negative, each row summing to 1 (or to 0 for a row
        that is entirely masked).

    Example:

    >>> masked_softmax(np.array([1.0, 2.0, 3.0]), np.array([True, True, False])).round(4)
    array([0.2689, 0.7311, 0.    ])
    """
    scores = np.asarray(scores)
    if scores.ndim < 1 or not np.issubdtype(scores.dtype, np.floating):
        raise ValueError(
            "`scores` must be a float array with at least one dimension. "
            f"Received: scores.shape={scores.shape}, dtype={scores.dtype}"
        )
    if mask is None:
        shifted = scores - scores.max(axis=-1, keepdims=True)
        exp = np.exp(shifted)
        return exp / exp.sum(axis=-1, keepdims=True)
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise ValueError(f"`mask` must be a boolean array. Received: mask.dtype={mask.dtype}")
    try:
        mask = np.broadcast_to(mask, scores.shape)
    except ValueError:
        raise ValueError(
            "`mask` must broadcast to the shape of `scores`. "
            f"Received: mask.shape={mask.shape}, scores.shape={scores.shape}"
        ) from None
    shifted = np.where(mask, scores, -np.inf)
    row_max = shifted.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    exp = np.where(mask, np.exp(np.where(mask, scores, 0.0) - row_max), 0.0)
    total = exp.sum(axis=-1, keepdims=True)
    return exp / np.where(total > 0, total, 1.0)


def additive_scores(query, keys, params):
    """Additive (Bahdanau) scores ``e<t,j> = v_a^T tanh(W_a s<t> + U_a a<j>)`` (NumPy).

    Introduced in chapter 8.

    Args:
        query: Float array ``(batch, T_q, d_q)``.
        keys: Float array ``(batch, T_v, d_k)``.
        params: Dict with ``"query_kernel"`` ``(d_q, units)`` (= W_a^T), ``"key_kernel"``
            ``(d_k, units)`` (= U_a^T) and ``"score_vector"`` ``(units,)`` (= v_a).

    Returns:
        Scores ``(batch, T_q, T_v)``.

    Example:

    >>> p = init_additive_params(3, 2, 4)
    >>> additive_scores(np.ones((1, 5, 3)), np.ones((1, 7, 2)), p).shape
    (1, 5, 7)
    """
    query = check_float_array(query, "query", 3)
    keys = check_float_array(keys, "keys", 3)
    w_q, w_k, v = _check_params(params, ("query_kernel", "key_kernel", "score_vector"))
    if w_q.shape[0] != query.shape[-1] or w_k.shape[0] != keys.shape[-1]:
        raise ValueError(
            "Expected query_kernel (d_q, units) and key_kernel (d_k, units). Received: "
            f"query.shape={query.shape}, keys.shape={keys.shape}, "
            f"query_kernel.shape={w_q.shape}, key_kernel.shape={w_k.shape}"
        )
    projected_query = query @ w_q  # (batch, T_q, units): W_a s<t>
    projected_keys = keys @ w_k  # (batch, T_v, units): U_a a<j>
    hidden = np.tanh(projected_query[:, :, None, :] + projected_keys[:, None, :, :])
    return hidden @ v  # (batch, T_q, T_v)


def multiplicative_scores(query, keys, params=None, score="dot"):
    """Luong's scores: ``"dot"`` ``s^T a<j>`` or ``"general"`` ``s^T W_a a<j>`` (NumPy).

    Introduced in chapter 8.

    Args:
        query: Float array ``(batch, T_q, d_q)``.
        keys: Float array ``(batch, T_v, d_k)`` (``d_k == d_q`` for ``"dot"``).
        params: For ``"general"``, a dict with ``"kernel"`` ``(d_q, d_k)`` (= W_a); unused for
            ``"dot"``.
        score: ``"dot"`` or ``"general"``.

    Returns:
        Scores ``(batch, T_q, T_v)``.

    Example:

    >>> multiplicative_scores(np.ones((1, 2, 3)), np.ones((1, 4, 3))).tolist()[0][0]
    [3.0, 3.0, 3.0, 3.0]
    """
    if score not in ("dot", "general"):
        raise ValueError(f"`score` must be 'dot' or 'general'. Received: score={score!r}")
    query = check_float_array(query, "query", 3)
    keys = check_float_array(keys, "keys", 3)
    if score == "general":
        (kernel,) = _check_params(params, ("kernel",))
        if kernel.shape != (query.shape[-1], keys.shape[-1]):
            raise ValueError(
                "Expected kernel (d_q, d_k). Received: "
                f"query.shape={query.shape}, keys.shape={keys.shape}, kernel.shape={kernel.shape}"
            )
        query = query @ kernel  # (batch, T_q, d_k): s<t>^T W_a
    elif query.shape[-1] != keys.shape[-1]:
        raise ValueError(
            "The dot score needs d_q == d_k. "
            f"Received: query.shape={query.shape}, keys.shape={keys.shape}"
        )
    return query @ np.swapaxes(keys, 1, 2)  # (batch, T_q, T_v)


def attention_forward(query, values, params=None, *, score="additive", keys=None, mask=None):
    """Attention, NumPy reference: scores, masked softmax, weighted average of the values.

    Introduced in chapter 8.

    Args:
        query: Float array ``(batch, d_q)`` (one query per example) or ``(batch, T_q, d_q)``.
        values: Float array ``(batch, T_v, d_v)``, the annotations ``a<j>`` that are averaged.
        params: Parameters of the score (see `additive_scores`, `multiplicative_scores`);
            None for ``"dot"``.
        score: ``"additive"``, ``"dot"`` or ``"general"``.
        keys: Optional float array ``(batch, T_v, d_k)`` compared with the query; default
            `values`.
        mask: Optional boolean array ``(batch, T_v)``; False marks padding (weight exactly 0).

    Returns:
        ``(context, weights)``: ``(batch, [T_q,] d_v)`` and ``(batch, [T_q,] T_v)``, without
        the ``T_q`` axis when `query` is 2-D.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> c, w = attention_forward(rng.normal(size=(2, 3)), rng.normal(size=(2, 5, 3)),
    ...                          score="dot")
    >>> c.shape, w.shape, np.allclose(w.sum(axis=-1), 1.0)
    ((2, 3), (2, 5), True)
    """
    if score not in SCORES:
        raise ValueError(f"`score` must be one of {list(SCORES)}. Received: score={score!r}")
    query, values, keys, mask = _check_attention_inputs(query, values, keys, mask)
    single = query.ndim == 2
    if single:
        query = query[:, None, :]
    if score == "additive":
        scores = additive_scores(query, keys, params)
    else:
        scores = multiplicative_scores(query, keys, params, score)
    weights = masked_softmax(scores, None if mask is None else mask[:, None, :])
    context = weights @ values  # (batch, T_q, d_v): c<t> = sum_j alpha<t,j> a<j>
    if single:
        return context[:, 0], weights[:, 0]
    return context, weights


def init_additive_params(d_q, d_k, units, seed=0, dtype=np.float64):
    """Random parameters of the additive score (Gaussian, std ``1/sqrt(fan_in)``).

    Introduced in chapter 8.

    Args:
        d_q: Query size.
        d_k: Key size.
        units: Size of the hidden layer of the score (``n_a``).
        seed: Seed of the NumPy generator.
        dtype: Float dtype of the arrays.

    Returns:
        Dict with ``"query_kernel"`` ``(d_q, units)``, ``"key_kernel"`` ``(d_k, units)`` and
        ``"score_vector"`` ``(units,)``.

    Example:

    >>> {k: v.shape for k, v in init_additive_params(3, 2, 4).items()}
    {'query_kernel': (3, 4), 'key_kernel': (2, 4), 'score_vector': (4,)}
    """
    d_q, d_k, units = (
        check_int(v, n, 1) for v, n in ((d_q, "d_q"), (d_k, "d_k"), (units, "units"))
    )
    rng = np.random.default_rng(seed)
    return {
        "query_kernel": (rng.standard_normal((d_q, units)) / np.sqrt(d_q)).astype(dtype),
        "key_kernel": (rng.standard_normal((d_k, units)) / np.sqrt(d_k)).astype(dtype),
        "score_vector": (rng.standard_normal(units) / np.sqrt(units)).astype(dtype),
    }


def attention_cost(t_x, t_y, d_v, *, bytes_per_float=4):
    """Sizes of the attention tensors of one sentence: ``T_x T_y`` scores (and weights).

    Introduced in chapter 8.

    Args:
        t_x: Source length ``T_x``.
        t_y: Target length ``T_y``.
        d_v: Size of an annotation ``a<j>``.
        bytes_per_float: 4 for float32.

    Returns:
        Dict with ``"scores"`` (``T_x T_y``, the number of scores), ``"score_bytes"`` (scores
        plus weights, ``2 T_x T_y`` floats) and ``"context_bytes"`` (``T_y d_v`` floats).

    Example:

    >>> attention_cost(10, 12, 64)["scores"]
    120
    """
    t_x, t_y, d_v = (check_int(v, n, 1) for v, n in ((t_x, "t_x"), (t_y, "t_y"), (d_v, "d_v")))
    bytes_per_float = check_int(bytes_per_float, "bytes_per_float", 1)
    return {
        "scores": t_x * t_y,
        "score_bytes": 2 * t_x * t_y * bytes_per_float,
        "context_bytes": t_y * d_v * bytes_per_float,
    }


# ----------------------------------------------------------------------------- Keras layers


def _masked_softmax_ops(scores, mask):
    """Keras-ops twin of `masked_softmax`; `mask` is None or boolean ``(batch, 1, T_v)``.

    Written out (max-shifted exponentials) rather than with `ops.softmax`, which warns when
    the last axis has size 1 (a source of one token).
    """
    if mask is not None:
        mask = ops.broadcast_to(mask, ops.shape(scores))
        scores = ops.where(mask, scores, ops.cast(MASK_VALUE, scores.dtype))
    exp = ops.exp(scores - ops.stop_gradient(ops.max(scores, axis=-1, keepdims=True)))
    if mask is not None:
        exp = ops.where(mask, exp, ops.zeros_like(exp))
    total = ops.sum(exp, axis=-1, keepdims=True)
    return exp / ops.where(total > 0, total, ops.ones_like(total))


class _Attention(keras.layers.Layer):
    """Shared call logic: inputs, mask, softmax and weighted average."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The `mask` call argument is consumed here (it masks the values); the outputs carry
        # no Keras mask. Declaring support only stops Keras from warning that it is dropped.
        self.supports_masking = True

    def compute_mask(self, *args, **kwargs):
        return None

    def _scores(self, query, keys):  # pragma: no cover - implemented by subclasses
        raise NotImplementedError

    def call(self, query, values, keys=None, mask=None):
        if len(query.shape) not in (2, 3) or len(values.shape) != 3:
            raise ValueError(
                "Expected query (batch, d_q) or (batch, T_q, d_q) and values (batch, T_v, d_v). "
                f"Received: query.shape={tuple(query.shape)}, values.shape={tuple(values.shape)}"
            )
        query, values = ops.convert_to_tensor(query), ops.convert_to_tensor(values)
        keys = values if keys is None else ops.convert_to_tensor(keys)
        single = len(query.shape) == 2
        if single:
            query = ops.expand_dims(query, 1)
        scores = self._scores(query, keys)  # (batch, T_q, T_v)
        if mask is not None:
            if len(mask.shape) != 2:
                raise ValueError(
                    f"`mask` must have shape (batch, T_v). Received: mask.shape={tuple(mask.shape)}"
                )
            mask = ops.expand_dims(ops.cast(mask, "bool"), 1)  # (batch, 1, T_v)
        weights = _masked_softmax_ops(scores, mask)
        context = ops.matmul(weights, ops.cast(values, weights.dtype))  # (batch, T_q, d_v)
        if single:
            return context[:, 0], weights[:, 0]
        return context, weights


@keras.saving.register_keras_serializable(package="seqcourse")
class AdditiveAttention(_Attention):
    """Additive (Bahdanau) attention: ``e<t,j> = v_a^T tanh(W_a s<t> + U_a a<j>)``.

    Unlike `keras.layers.AdditiveAttention`, which computes
    ``sum(scale * tanh(query + key))`` on inputs of equal size, this layer has the projections
    ``W_a`` and ``U_a`` of Bahdanau et al. (2015), so the query and the keys may have different
    sizes. With ``units == d_q == d_k`` and both kernels set to the identity, it computes what
    ``keras.layers.AdditiveAttention(use_scale=True)`` computes, with ``score_vector`` in the
    role of Keras's ``scale``.

    Introduced in chapter 8.

    Args:
        units: Positive integer, the size ``n_a`` of the hidden layer of the score.
        kernel_initializer: Initializer of ``query_kernel`` and ``key_kernel``.
        score_initializer: Initializer of ``score_vector``.
        **kwargs: Base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        query: A tensor ``(batch, d_q)`` or ``(batch, T_q, d_q)``.
        values: A tensor ``(batch, T_v, d_v)``.
        keys: Optional tensor ``(batch, T_v, d_k)``; default `values`.
        mask: Optional boolean tensor ``(batch, T_v)``, False at padded positions (their
            weight is exactly 0). Pass it explicitly: Keras would otherwise fill it with the
            query's own mask.

    Returns:
        ``(context, weights)``: ``(batch, [T_q,] d_v)`` and ``(batch, [T_q,] T_v)``.

    Example:

    >>> import numpy as np
    >>> layer = AdditiveAttention(8)
    >>> context, weights = layer(np.ones((2, 4), "float32"), np.ones((2, 6, 3), "float32"))
    >>> tuple(context.shape), tuple(weights.shape)
    ((2, 3), (2, 6))
    """

    def __init__(
        self,
        units,
        kernel_initializer="glorot_uniform",
        score_initializer="glorot_uniform",
        **kwargs,
    ):
        units = check_int(units, "units", 1)
        super().__init__(**kwargs)
        self.units = units
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.score_initializer = keras.initializers.get(score_initializer)

    def build(self, query_shape, values_shape, keys_shape=None, mask_shape=None):
        keys_shape = values_shape if keys_shape is None else keys_shape
        self.query_kernel = self.add_weight(
            shape=(query_shape[-1], self.units),
            name="query_kernel",
            initializer=self.kernel_initializer,
        )
        self.key_kernel = self.add_weight(
            shape=(keys_shape[-1], self.units),
            name="key_kernel",
            initializer=self.kernel_initializer,
        )
        self.score_vector = self.add_weight(
            shape=(self.units,), name="score_vector", initializer=self.score_initializer
        )

    def _scores(self, query, keys):
        projected_query = ops.matmul(query, self.query_kernel)  # (batch, T_q, units)
        projected_keys = ops.matmul(keys, self.key_kernel)  # (batch, T_v, units)
        hidden = ops.tanh(
            ops.expand_dims(projected_query, 2) + ops.expand_dims(projected_keys, 1)
        )  # (batch, T_q, T_v, units)
        return ops.sum(hidden * self.score_vector, axis=-1)  # (batch, T_q, T_v)

    def get_config(self):
        config = {
            "units": self.units,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "score_initializer": keras.initializers.serialize(self.score_initializer),
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="seqcourse")
class MultiplicativeAttention(_Attention):
    """Multiplicative (Luong) attention: ``"dot"`` ``s^T a<j>`` or ``"general"`` ``s^T W_a a<j>``.

    With ``score="dot"`` it computes what ``keras.layers.Attention()`` (``score_mode="dot"``,
    ``use_scale=False``) computes. ``"general"`` equals ``keras.layers.Attention`` applied to
    the projected query ``query @ kernel``.

    Introduced in chapter 8.

    Args:
        score: ``"dot"`` (no weights; needs ``d_q == d_k``) or ``"general"`` (a ``kernel``
            ``(d_q, d_k)``, the matrix ``W_a``).
        kernel_initializer: Initializer of ``kernel``.
        **kwargs: Base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        query: A tensor ``(batch, d_q)`` or ``(batch, T_q, d_q)``.
        values: A tensor ``(batch, T_v, d_v)``.
        keys: Optional tensor ``(batch, T_v, d_k)``; default `values`.
        mask: Optional boolean tensor ``(batch, T_v)``, False at padded positions.

    Returns:
        ``(context, weights)``: ``(batch, [T_q,] d_v)`` and ``(batch, [T_q,] T_v)``.

    Example:

    >>> import numpy as np
    >>> layer = MultiplicativeAttention("general")
    >>> context, weights = layer(np.ones((2, 5, 4), "float32"), np.ones((2, 6, 3), "float32"))
    >>> tuple(context.shape), tuple(weights.shape)
    ((2, 5, 3), (2, 5, 6))
    """

    def __init__(self, score="dot", kernel_initializer="glorot_uniform", **kwargs):
        if score not in ("dot", "general"):
            raise ValueError(f"`score` must be 'dot' or 'general'. Received: score={score!r}")
        super().__init__(**kwargs)
        self.score = score
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, query_shape, values_shape, keys_shape=None, mask_shape=None):
        keys_shape = values_shape if keys_shape is None else keys_shape
        if self.score == "general":
            self.kernel = self.add_weight(
                shape=(query_shape[-1], keys_shape[-1]),
                name="kernel",
                initializer=self.kernel_initializer,
            )
        elif query_shape[-1] != keys_shape[-1]:
            raise ValueError(
                "The dot score needs d_q == d_k. "
                f"Received: query_shape={tuple(query_shape)}, keys_shape={tuple(keys_shape)}"
            )

    def _scores(self, query, keys):
        if self.score == "general":
            query = ops.matmul(query, self.kernel)  # (batch, T_q, d_k)
        return ops.matmul(query, ops.swapaxes(keys, 1, 2))  # (batch, T_q, T_v)

    def get_config(self):
        config = {
            "score": self.score,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }
        return {**super().get_config(), **config}


def make_attention(score, units=None, **kwargs):
    """Builds the attention layer for a score name: additive, dot or general.

    Introduced in chapter 8.

    Args:
        score: ``"additive"``, ``"dot"`` or ``"general"``.
        units: Hidden size of the additive score (required for ``"additive"``).
        **kwargs: Passed to the layer.

    Returns:
        An `AdditiveAttention` or a `MultiplicativeAttention` layer.

    Example:

    >>> type(make_attention("dot")).__name__
    'MultiplicativeAttention'
    """
    if score not in SCORES:
        raise ValueError(f"`score` must be one of {list(SCORES)}. Received: score={score!r}")
    if score == "additive":
        return AdditiveAttention(units, **kwargs)
    return MultiplicativeAttention(score, **kwargs)


# ----------------------------------------------------------------------------- plotting


def _label(token):
    """A visible tick label: a space is shown as an open box."""
    return "\u2423" if token == " " else str(token)


def plot_attention(weights, source_tokens, target_tokens, ax=None, title=None):
    """Heatmap of attention weights: one row per output token, one column per input token.

    Introduced in chapter 8.

    Args:
        weights: Array ``(T_y, T_x)`` (rows: output steps t, columns: input positions j);
            extra rows or columns beyond the token lists are cut off.
        source_tokens: The ``T_x`` input tokens (column labels).
        target_tokens: The ``T_y`` output tokens (row labels).
        ax: Axes to draw on (a new figure if None).
        title: Optional axes title.

    Returns:
        The figure.
    """
    import matplotlib.pyplot as plt

    weights = np.asarray(weights)
    source_tokens, target_tokens = list(source_tokens), list(target_tokens)
    if (
        weights.ndim != 2
        or weights.shape[0] < len(target_tokens)
        or weights.shape[1] < len(source_tokens)
        or not source_tokens
        or not target_tokens
    ):
        raise ValueError(
            "`weights` must be 2-D (T_y, T_x), at least as large as the token lists. "
            f"Received: weights.shape={weights.shape}, len(source_tokens)={len(source_tokens)}, "
            f"len(target_tokens)={len(target_tokens)}"
        )
    weights = weights[: len(target_tokens), : len(source_tokens)]
    if ax is None:
        width = min(10.0, 1.5 + 0.32 * len(source_tokens))
        height = min(8.0, 1.0 + 0.3 * len(target_tokens))
        _, ax = plt.subplots(figsize=(width, height))
    ax.imshow(weights, cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(source_tokens)), [_label(t) for t in source_tokens])
    ax.set_yticks(range(len(target_tokens)), [_label(t) for t in target_tokens])
    ax.tick_params(axis="x", rotation=90)
    ax.set_xlabel("input position j")
    ax.set_ylabel("output step t")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax.figure
