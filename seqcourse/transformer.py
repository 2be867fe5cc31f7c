"""The Transformer (Vaswani et al. 2017): attention, masks, positional encodings, blocks, model.

Two implementations of the same equations live here:

- NumPy references, float64, written to be read: `scaled_dot_product_attention`,
  `multi_head_attention` and `positional_encoding`;
- Keras layers used for training: `MultiHeadAttention` (from scratch, with the weight names,
  shapes and order of `keras.layers.MultiHeadAttention`, so that weights copy across),
  `PositionalEmbedding`, `EncoderBlock`, `DecoderBlock`, the encoder–decoder `Transformer`
  and the warm-up learning-rate schedule `TransformerSchedule`.

Arrays are batch-first. Attention takes queries ``(batch, T_q, d_model)`` and keys/values
``(batch, T_k, d_model)``; a *mask* is a boolean array, ``True`` where a query may attend to
a key, broadcastable to ``(batch, T_q, T_k)``. It is broadcast over the heads by inserting a
heads axis: ``(batch, 1, T_q, T_k)``. A masked key receives a weight of exactly 0.

Multi-head weights use Keras's layout (``H`` heads, ``d_k`` key size, ``d_v`` value size):

    "query_kernel": (d_model, H, d_k)   "query_bias": (H, d_k)
    "key_kernel":   (d_model, H, d_k)   "key_bias":   (H, d_k)
    "value_kernel": (d_model, H, d_v)   "value_bias": (H, d_v)
    "output_kernel": (H, d_v, d_model)  "output_bias": (d_model,)

Introduced in chapter 9.
"""

import math

import keras
import numpy as np
from keras import ops

from seqcourse.validation import check_float_array, check_int

MHA_WEIGHT_NAMES = (
    "query_kernel",
    "query_bias",
    "key_kernel",
    "key_bias",
    "value_kernel",
    "value_bias",
    "output_kernel",
    "output_bias",
)


# --------------------------------------------------------------------------------------
# Masks
# --------------------------------------------------------------------------------------


def _check_ids(ids, name):
    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"`{name}` must be a 2-D integer array (batch, time). "
            f"Received: {name}.shape={ids.shape}, dtype={ids.dtype}"
        )
    return ids


def padding_mask(ids, pad_id=0):
    """Key mask that hides padding: ``True`` where the key token is not `pad_id`.

    Introduced in chapter 9.

    Args:
        ids: Token ids, an integer array of shape ``(batch, T_k)``.
        pad_id: The id of the padding token.

    Returns:
        A boolean array of shape ``(batch, 1, T_k)``, broadcastable over the queries.

    Example:

    >>> padding_mask(np.array([[5, 7, 0]])).astype(int)
    array([[[1, 1, 0]]])
    """
    ids = _check_ids(ids, "ids")
    check_int(pad_id, "pad_id", 0)
    return (ids != pad_id)[:, None, :]


def causal_mask(length):
    """Look-ahead mask: query position ``i`` may attend to key positions ``j <= i`` only.

    Introduced in chapter 9.

    Args:
        length: The sequence length ``T``.

    Returns:
        A boolean lower-triangular array of shape ``(1, T, T)``.

    Example:

    >>> causal_mask(3)[0].astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    length = check_int(length, "length", 1)
    return np.tril(np.ones((length, length), dtype=bool))[None]


def decoder_self_attention_mask(decoder_ids, pad_id=0):
    """Mask of the decoder's self-attention: causal *and* no padded keys.

    Introduced in chapter 9.

    Args:
        decoder_ids: Decoder input ids, shape ``(batch, T_y)``.
        pad_id: The id of the padding token.

    Returns:
        A boolean array of shape ``(batch, T_y, T_y)``.

    Example:

    >>> decoder_self_attention_mask(np.array([[2, 9, 0]]))[0].astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 0]])
    """
    decoder_ids = _check_ids(decoder_ids, "decoder_ids")
    return causal_mask(decoder_ids.shape[1]) & padding_mask(decoder_ids, pad_id)


def cross_attention_mask(decoder_ids, encoder_ids, pad_id=0):
    """Mask of the decoder's cross-attention: every query sees every non-padded source key.

    Introduced in chapter 9.

    Args:
        decoder_ids: Decoder input ids, shape ``(batch, T_y)``.
        encoder_ids: Encoder input ids, shape ``(batch, T_x)``.
        pad_id: The id of the padding token.

    Returns:
        A boolean array of shape ``(batch, T_y, T_x)``.

    Example:

    >>> cross_attention_mask(np.array([[2, 9]]), np.array([[4, 0, 0]]))[0].astype(int)
    array([[1, 0, 0],
           [1, 0, 0]])
    """
    decoder_ids = _check_ids(decoder_ids, "decoder_ids")
    encoder_ids = _check_ids(encoder_ids, "encoder_ids")
    if decoder_ids.shape[0] != encoder_ids.shape[0]:
        raise ValueError(
            "`decoder_ids` and `encoder_ids` must have the same batch size. "
            f"Received: decoder_ids.shape={decoder_ids.shape}, "
            f"encoder_ids.shape={encoder_ids.shape}"
        )
    keys = padding_mask(encoder_ids, pad_id)  # (batch, 1, T_x)
    return np.broadcast_to(keys, (decoder_ids.shape[0], decoder_ids.shape[1], keys.shape[2]))


# --------------------------------------------------------------------------------------
# NumPy references
# --------------------------------------------------------------------------------------


def _softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None):
    """``softmax(q k^T / sqrt(d_k)) v`` with masked keys given weight exactly 0 (NumPy).

    Introduced in chapter 9.

    Args:
        q: Queries, float array ``(..., T_q, d_k)``.
        k: Keys, float array ``(..., T_k, d_k)``.
        v: Values, float array ``(..., T_k, d_v)``.
        mask: Optional boolean array broadcastable to ``(..., T_q, T_k)``, ``True`` where a
            query may attend to a key. A query row with no visible key gets all-zero weights.

    Returns:
        ``(output, weights)``: ``(..., T_q, d_v)`` and ``(..., T_q, T_k)``.

    Example:

    >>> q = k = v = np.eye(2)[None]
    >>> out, w = scaled_dot_product_attention(q, k, v, mask=np.array([[True, False]]))
    >>> w[0]
    array([[1., 0.],
           [1., 0.]])
    """
    q = np.asarray(q)
    k = np.asarray(k)
    v = np.asarray(v)
    for name, a in (("q", q), ("k", k), ("v", v)):
        if a.ndim < 2 or not np.issubdtype(a.dtype, np.floating):
            raise ValueError(
                f"`{name}` must be a float array with at least 2 dimensions. "
                f"Received: {name}.shape={a.shape}, dtype={a.dtype}"
            )
    if q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(
            "Expected q (..., T_q, d_k), k (..., T_k, d_k), v (..., T_k, d_v). "
            f"Received: q.shape={q.shape}, k.shape={k.shape}, v.shape={v.shape}"
        )
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])  # (..., T_q, T_k)
    if mask is None:
        weights = _softmax(scores)
    else:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            raise ValueError(f"`mask` must be a boolean array. Received: mask.dtype={mask.dtype}")
        try:
            mask = np.broadcast_to(mask, scores.shape)
        except ValueError:
            raise ValueError(
                f"`mask` must broadcast to (..., T_q, T_k) = {scores.shape}. "
                f"Received: mask.shape={mask.shape}"
            ) from None
        scores = np.where(mask, scores, -np.inf)
        row_max = np.max(scores, axis=-1, keepdims=True)
        row_max = np.where(np.isfinite(row_max), row_max, 0.0)
        e = np.where(mask, np.exp(scores - row_max), 0.0)
        total = e.sum(axis=-1, keepdims=True)
        weights = e / np.where(total > 0, total, 1.0)
    return weights @ v, weights


def init_mha_params(d_model, num_heads, key_dim, value_dim=None, seed=0, dtype=np.float64):
    """Random multi-head attention weights in Keras's layout (module docstring).

    The biases are random too, so that tests exercise every term.

    Introduced in chapter 9.

    Args:
        d_model: Size of the query/key/value vectors and of the output.
        num_heads: Number of heads ``H``.
        key_dim: Size ``d_k`` of each head's queries and keys.
        value_dim: Size ``d_v`` of each head's values (default `key_dim`).
        seed: Seed of the NumPy generator.
        dtype: Float dtype of the arrays.

    Returns:
        A dict with the keys of `MHA_WEIGHT_NAMES`.

    Example:

    >>> init_mha_params(8, 2, 4)["output_kernel"].shape
    (2, 4, 8)
    """
    d_model = check_int(d_model, "d_model", 1)
    num_heads = check_int(num_heads, "num_heads", 1)
    key_dim = check_int(key_dim, "key_dim", 1)
    value_dim = key_dim if value_dim is None else check_int(value_dim, "value_dim", 1)
    rng = np.random.default_rng(seed)

    def draw(shape, fan_in):
        return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(dtype)

    h = num_heads
    return {
        "query_kernel": draw((d_model, h, key_dim), d_model),
        "query_bias": draw((h, key_dim), d_model),
        "key_kernel": draw((d_model, h, key_dim), d_model),
        "key_bias": draw((h, key_dim), d_model),
        "value_kernel": draw((d_model, h, value_dim), d_model),
        "value_bias": draw((h, value_dim), d_model),
        "output_kernel": draw((h, value_dim, d_model), h * value_dim),
        "output_bias": draw((d_model,), h * value_dim),
    }


def multi_head_attention(query, value, key=None, params=None, mask=None):
    """Multi-head attention in NumPy: ``H`` scaled dot-product attentions, concatenated.

    For each head ``i``: ``head_i = Attention(query W_i^Q, key W_i^K, value W_i^V)``, and
    the output is ``[head_1 | ... | head_H] W^O`` (plus biases), as in Vaswani et al.

    Introduced in chapter 9.

    Args:
        query: Float array ``(batch, T_q, d_model)``.
        value: Float array ``(batch, T_k, d_model)``.
        key: Float array ``(batch, T_k, d_model)``; `value` when None.
        params: Weight dict in Keras's layout (module docstring), e.g. from
            `init_mha_params` or `mha_params_from_keras`.
        mask: Optional boolean mask broadcastable to ``(batch, T_q, T_k)``; it is
            broadcast over the heads.

    Returns:
        ``(output, weights)``: ``(batch, T_q, d_model)`` and ``(batch, H, T_q, T_k)``.

    Example:

    >>> p = init_mha_params(8, 2, 4)
    >>> x = np.ones((1, 3, 8))
    >>> [a.shape for a in multi_head_attention(x, x, params=p)]
    [(1, 3, 8), (1, 2, 3, 3)]
    """
    query = check_float_array(query, "query", 3)
    value = check_float_array(value, "value", 3)
    key = value if key is None else check_float_array(key, "key", 3)
    if not isinstance(params, dict) or any(n not in params for n in MHA_WEIGHT_NAMES):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(
            f"`params` must be a dict with keys {list(MHA_WEIGHT_NAMES)}. Received: params={got}"
        )
    if key.shape != value.shape or query.shape[0] != value.shape[0]:
        raise ValueError(
            "Expected query (batch, T_q, d), key and value (batch, T_k, d). "
            f"Received: query.shape={query.shape}, key.shape={key.shape}, "
            f"value.shape={value.shape}"
        )
    p = params
    q = np.einsum("btd,dhk->bhtk", query, p["query_kernel"]) + p["query_bias"][:, None, :]
    k = np.einsum("bsd,dhk->bhsk", key, p["key_kernel"]) + p["key_bias"][:, None, :]
    v = np.einsum("bsd,dhk->bhsk", value, p["value_kernel"]) + p["value_bias"][:, None, :]
    if mask is not None:
        mask = np.asarray(mask)
        if mask.ndim == 3:
            mask = mask[:, None]  # (batch, 1, T_q, T_k): the same mask for every head
    heads, weights = scaled_dot_product_attention(q, k, v, mask)  # (batch, H, T_q, d_v)
    output = np.einsum("bhtk,hkd->btd", heads, p["output_kernel"]) + p["output_bias"]
    return output, weights


def mha_params_from_keras(layer):
    """Reads the weights of a built (Keras or seqcourse) multi-head attention layer.

    Introduced in chapter 9.

    Args:
        layer: A built `keras.layers.MultiHeadAttention` or `MultiHeadAttention` with biases.

    Returns:
        A dict of float64 arrays with the keys of `MHA_WEIGHT_NAMES`.

    Example:

    >>> mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> x = np.ones((1, 3, 8), "float32")
    >>> _ = mha(x, x)
    >>> mha_params_from_keras(mha)["query_kernel"].shape
    (8, 2, 4)
    """
    weights = layer.get_weights() if hasattr(layer, "get_weights") else None
    if weights is None or len(weights) != len(MHA_WEIGHT_NAMES):
        raise ValueError(
            "`layer` must be a built multi-head attention layer with 8 weights (use_bias=True). "
            f"Received: layer={layer!r}"
        )
    return {
        n: np.asarray(w, dtype=np.float64) for n, w in zip(MHA_WEIGHT_NAMES, weights, strict=True)
    }


def positional_encoding(length, depth):
    """Sinusoidal positional encodings of Vaswani et al. (NumPy).

    ``PE[pos, 2i] = sin(pos / 10000^(2i / depth))`` and
    ``PE[pos, 2i + 1] = cos(pos / 10000^(2i / depth))``, positions counted from 0.

    Introduced in chapter 9.

    Args:
        length: Number of positions.
        depth: Size of each encoding (``d_model``), an even number.

    Returns:
        A float64 array of shape ``(length, depth)``.

    Example:

    >>> positional_encoding(2, 4).round(3)
    array([[0.   , 1.   , 0.   , 1.   ],
           [0.841, 0.54 , 0.01 , 1.   ]])
    """
    length = check_int(length, "length", 1)
    depth = check_int(depth, "depth", 2)
    if depth % 2:
        raise ValueError(f"`depth` must be even. Received: depth={depth}")
    positions = np.arange(length)[:, None]  # (length, 1)
    rates = 1.0 / 10000.0 ** (np.arange(0, depth, 2) / depth)  # (depth / 2,)
    angles = positions * rates  # (length, depth / 2)
    pe = np.empty((length, depth))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


# --------------------------------------------------------------------------------------
# Keras layers
# --------------------------------------------------------------------------------------


def _to_attention_mask(mask):
    """A (batch, T_q, T_k) or (batch, 1, T_k) boolean mask -> (batch, 1, T_q|1, T_k)."""
    if mask is None:
        return None
    mask = ops.cast(mask, "bool")
    if len(mask.shape) == 3:
        mask = ops.expand_dims(mask, 1)  # broadcast over the heads axis
    return mask


@keras.saving.register_keras_serializable(package="seqcourse")
class MultiHeadAttention(keras.layers.Layer):
    """Multi-head scaled dot-product attention, written from the equations.

    Holds the same weights as `keras.layers.MultiHeadAttention` (names, shapes, order), so
    ``ours.set_weights(theirs.get_weights())`` makes the two compute the same function.

    Introduced in chapter 9.

    Args:
        num_heads: Number of heads ``H``.
        key_dim: Size ``d_k`` of each head's queries and keys.
        value_dim: Size ``d_v`` of each head's values (default `key_dim`).
        dropout: Dropout rate on the attention weights (training only).
        **kwargs: Base layer arguments.

    Call arguments:
        query: ``(batch, T_q, d_model)``.
        value: ``(batch, T_k, d_model)``.
        key: ``(batch, T_k, d_model)``, `value` when None.
        attention_mask: Boolean, broadcastable to ``(batch, T_q, T_k)`` (``(batch, 1, T_k)``
            for padding); ``True`` where a query may attend to a key. Broadcast over heads.
        return_attention_scores: Also return the weights ``(batch, H, T_q, T_k)``.
        training: Whether dropout is active.

    Returns:
        ``(batch, T_q, d_model)``, and the weights if `return_attention_scores`.

    Example:

    >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
    >>> x = np.ones((1, 3, 8), "float32")
    >>> tuple(mha(x, x).shape)
    (1, 3, 8)
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = check_int(num_heads, "num_heads", 1)
        self.key_dim = check_int(key_dim, "key_dim", 1)
        self.value_dim = self.key_dim if value_dim is None else check_int(value_dim, "value_dim", 1)
        if not isinstance(dropout, int | float) or not 0 <= dropout < 1:
            raise ValueError(f"`dropout` must be a float in [0, 1). Received: dropout={dropout!r}")
        self.dropout = float(dropout)
        self._dropout_layer = keras.layers.Dropout(self.dropout)

    def build(self, query_shape, value_shape=None, key_shape=None):
        d_model = query_shape[-1]
        d_in = d_model if value_shape is None else value_shape[-1]
        h, dk, dv = self.num_heads, self.key_dim, self.value_dim

        def weight(name, shape):
            init = "zeros" if name.endswith("bias") else "glorot_uniform"
            return self.add_weight(name=name, shape=shape, initializer=init)

        self.query_kernel = weight("query_kernel", (d_model, h, dk))
        self.query_bias = weight("query_bias", (h, dk))
        self.key_kernel = weight("key_kernel", (d_in, h, dk))
        self.key_bias = weight("key_bias", (h, dk))
        self.value_kernel = weight("value_kernel", (d_in, h, dv))
        self.value_bias = weight("value_bias", (h, dv))
        self.output_kernel = weight("output_kernel", (h, dv, d_model))
        self.output_bias = weight("output_bias", (d_model,))

    def call(
        self,
        query,
        value,
        key=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
    ):
        key = value if key is None else key
        q = ops.einsum("btd,dhk->bhtk", query, self.query_kernel)
        q = q + ops.expand_dims(self.query_bias, 1)  # (batch, H, T_q, d_k)
        k = ops.einsum("bsd,dhk->bhsk", key, self.key_kernel) + ops.expand_dims(self.key_bias, 1)
        v = ops.einsum("bsd,dhk->bhsk", value, self.value_kernel)
        v = v + ops.expand_dims(self.value_bias, 1)  # (batch, H, T_k, d_v)
        scores = ops.einsum("bhtk,bhsk->bhts", q, k) / math.sqrt(self.key_dim)
        mask = _to_attention_mask(attention_mask)
        if mask is not None:
            scores = ops.where(mask, scores, ops.cast(-1e9, scores.dtype))
        # softmax over the keys, written out (ops.softmax warns when there is one key)
        scores = scores - ops.max(scores, axis=-1, keepdims=True)
        weights = ops.exp(scores)
        weights = weights / ops.sum(weights, axis=-1, keepdims=True)  # (batch, H, T_q, T_k)
        if mask is not None:
            weights = ops.where(mask, weights, ops.zeros_like(weights))  # exactly 0
        dropped = self._dropout_layer(weights, training=training)
        heads = ops.einsum("bhts,bhsk->bhtk", dropped, v)  # (batch, H, T_q, d_v)
        output = ops.einsum("bhtk,hkd->btd", heads, self.output_kernel) + self.output_bias
        if return_attention_scores:
            return output, weights
        return output

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return query_shape

    def get_config(self):
        config = {
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="seqcourse")
class PositionalEmbedding(keras.layers.Layer):
    """Token embedding scaled by ``sqrt(d_model)`` plus sinusoidal positional encodings.

    Introduced in chapter 9.

    Args:
        vocab_size: Number of token ids.
        d_model: Embedding size (even).
        max_length: Longest sequence the encodings cover.
        **kwargs: Base layer arguments.

    Call arguments:
        ids: Integer token ids ``(batch, T)`` with ``T <= max_length``.

    Returns:
        ``(batch, T, d_model)``.

    Example:

    >>> layer = PositionalEmbedding(10, 8, max_length=5)
    >>> tuple(layer(np.array([[1, 2, 3]])).shape)
    (1, 3, 8)
    """

    def __init__(self, vocab_size, d_model, max_length, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = check_int(vocab_size, "vocab_size", 1)
        self.d_model = check_int(d_model, "d_model", 2)
        self.max_length = check_int(max_length, "max_length", 1)
        if self.d_model % 2:
            raise ValueError(f"`d_model` must be even. Received: d_model={d_model}")
        self.embedding = keras.layers.Embedding(vocab_size, d_model)
        self._encoding = positional_encoding(max_length, d_model).astype("float32")

    def build(self, ids_shape):
        self.embedding.build(ids_shape)

    def call(self, ids):
        length = ops.shape(ids)[1]
        x = self.embedding(ids) * math.sqrt(self.d_model)
        encoding = ops.slice(ops.convert_to_tensor(self._encoding), (0, 0), (length, self.d_model))
        return x + ops.cast(encoding, x.dtype)[None]

    def get_config(self):
        config = {
            "vocab_size": self.vocab_size,
            "d_model": self.d_model,
            "max_length": self.max_length,
        }
        return {**super().get_config(), **config}


def _check_block_args(d_model, num_heads, d_ff, dropout):
    d_model = check_int(d_model, "d_model", 1)
    num_heads = check_int(num_heads, "num_heads", 1)
    d_ff = check_int(d_ff, "d_ff", 1)
    if d_model % num_heads:
        raise ValueError(
            "`d_model` must be divisible by `num_heads`. "
            f"Received: d_model={d_model}, num_heads={num_heads}"
        )
    if not isinstance(dropout, int | float) or not 0 <= dropout < 1:
        raise ValueError(f"`dropout` must be a float in [0, 1). Received: dropout={dropout!r}")
    return d_model, num_heads, d_ff, float(dropout)


class _Block(keras.layers.Layer):
    """Shared pieces of the encoder and decoder blocks: sublayer with residual and norm."""

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.d_model, self.num_heads, self.d_ff, self.dropout = _check_block_args(
            d_model, num_heads, d_ff, dropout
        )
        self.ffn_hidden = keras.layers.Dense(self.d_ff, activation="relu")
        self.ffn_output = keras.layers.Dense(self.d_model)
        self.ffn_norm = keras.layers.LayerNormalization(epsilon=1e-6)
        self.drop = keras.layers.Dropout(self.dropout)

    def _attention(self, name):
        return MultiHeadAttention(
            self.num_heads, self.d_model // self.num_heads, dropout=self.dropout, name=name
        )

    def _feed_forward(self, x, training):
        y = self.ffn_output(self.ffn_hidden(x))
        return self.ffn_norm(x + self.drop(y, training=training))  # post-norm residual

    def get_config(self):
        config = {
            "d_model": self.d_model,
            "num_heads": self.num_heads,
            "d_ff": self.d_ff,
            "dropout": self.dropout,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="seqcourse")
class EncoderBlock(_Block):
    """One encoder layer: self-attention and a feed-forward network, each wrapped in a
    residual connection followed by layer normalization (``LayerNorm(x + Sublayer(x))``).

    Introduced in chapter 9.

    Args:
        d_model: Model width (divisible by `num_heads`).
        num_heads: Number of attention heads.
        d_ff: Hidden size of the position-wise feed-forward network.
        dropout: Dropout rate (attention weights and sublayer outputs).
        **kwargs: Base layer arguments.

    Call arguments:
        x: ``(batch, T_x, d_model)``.
        attention_mask: Boolean key mask broadcastable to ``(batch, T_x, T_x)``, e.g.
            `padding_mask`.
        return_attention_scores: Also return the self-attention weights.
        training: Whether dropout is active.

    Returns:
        ``(batch, T_x, d_model)`` (and ``(batch, H, T_x, T_x)`` weights if asked).

    Example:

    >>> block = EncoderBlock(8, 2, 16)
    >>> tuple(block(np.ones((1, 3, 8), "float32")).shape)
    (1, 3, 8)
    """

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0, **kwargs):
        super().__init__(d_model, num_heads, d_ff, dropout, **kwargs)
        self.self_attention = self._attention("self_attention")
        self.attention_norm = keras.layers.LayerNormalization(epsilon=1e-6)

    def call(self, x, attention_mask=None, return_attention_scores=False, training=None):
        y, weights = self.self_attention(
            x, x, attention_mask=attention_mask, return_attention_scores=True, training=training
        )
        x = self.attention_norm(x + self.drop(y, training=training))
        x = self._feed_forward(x, training)
        return (x, weights) if return_attention_scores else x

    def compute_output_shape(self, x_shape):
        return x_shape


@keras.saving.register_keras_serializable(package="seqcourse")
class DecoderBlock(_Block):
    """One decoder layer: masked self-attention, cross-attention to the encoder output and
    a feed-forward network, each as ``LayerNorm(x + Sublayer(x))``.

    Introduced in chapter 9.

    Args:
        d_model: Model width (divisible by `num_heads`).
        num_heads: Number of attention heads.
        d_ff: Hidden size of the position-wise feed-forward network.
        dropout: Dropout rate.
        **kwargs: Base layer arguments.

    Call arguments:
        x: Decoder states ``(batch, T_y, d_model)``.
        memory: Encoder output ``(batch, T_x, d_model)``.
        self_mask: Boolean ``(batch, T_y, T_y)``, e.g. `decoder_self_attention_mask`.
        cross_mask: Boolean broadcastable to ``(batch, T_y, T_x)``, e.g. `padding_mask` of
            the source.
        return_attention_scores: Also return ``(self_weights, cross_weights)``.
        training: Whether dropout is active.

    Returns:
        ``(batch, T_y, d_model)`` (and the two weight arrays if asked).

    Example:

    >>> block = DecoderBlock(8, 2, 16)
    >>> x, memory = np.ones((1, 2, 8), "float32"), np.ones((1, 3, 8), "float32")
    >>> tuple(block(x, memory).shape)
    (1, 2, 8)
    """

    def __init__(self, d_model, num_heads, d_ff, dropout=0.0, **kwargs):
        super().__init__(d_model, num_heads, d_ff, dropout, **kwargs)
        self.self_attention = self._attention("self_attention")
        self.self_norm = keras.layers.LayerNormalization(epsilon=1e-6)
        self.cross_attention = self._attention("cross_attention")
        self.cross_norm = keras.layers.LayerNormalization(epsilon=1e-6)

    def call(
        self,
        x,
        memory,
        self_mask=None,
        cross_mask=None,
        return_attention_scores=False,
        training=None,
    ):
        y, self_weights = self.self_attention(
            x, x, attention_mask=self_mask, return_attention_scores=True, training=training
        )
        x = self.self_norm(x + self.drop(y, training=training))
        y, cross_weights = self.cross_attention(
            x, memory, attention_mask=cross_mask, return_attention_scores=True, training=training
        )
        x = self.cross_norm(x + self.drop(y, training=training))
        x = self._feed_forward(x, training)
        return (x, (self_weights, cross_weights)) if return_attention_scores else x

    def compute_output_shape(self, x_shape, memory_shape=None):
        return x_shape


def _keras_masks(encoder_input, decoder_input, pad_id):
    """The three masks of the model, as Keras tensors (bool)."""
    source_keys = ops.expand_dims(ops.not_equal(encoder_input, pad_id), 1)  # (batch, 1, T_x)
    target_keys = ops.expand_dims(ops.not_equal(decoder_input, pad_id), 1)  # (batch, 1, T_y)
    length = ops.shape(decoder_input)[1]
    rows = ops.expand_dims(ops.arange(length), 1)
    cols = ops.expand_dims(ops.arange(length), 0)
    causal = ops.expand_dims(ops.greater_equal(rows, cols), 0)  # (1, T_y, T_y)
    return source_keys, ops.logical_and(causal, target_keys)


@keras.saving.register_keras_serializable(package="seqcourse")
class Transformer(keras.Model):
    """Encoder–decoder Transformer for sequence-to-sequence tasks.

    Called on ``(encoder_input, decoder_input)`` it returns the logits of the next target
    token at every decoder position (teacher forcing). The masks are built from the ids:
    padding (`pad_id`) in the encoder's self-attention and in the cross-attention, causal
    and padding in the decoder's self-attention.

    Introduced in chapter 9.

    Args:
        source_vocab_size: Number of source token ids.
        target_vocab_size: Number of target token ids.
        d_model: Model width.
        num_heads: Attention heads per attention layer.
        d_ff: Hidden size of the feed-forward networks.
        num_layers: Number of encoder blocks and of decoder blocks.
        max_length: Longest source or target sequence (positional encodings).
        dropout: Dropout rate.
        pad_id: The padding id, masked everywhere.
        **kwargs: Base model arguments.

    Call arguments:
        inputs: ``(encoder_input, decoder_input)``, int ``(batch, T_x)`` and ``(batch, T_y)``.
        training: Whether dropout is active.

    Returns:
        Logits ``(batch, T_y, target_vocab_size)``.

    Example:

    >>> model = Transformer(20, 30, d_model=8, num_heads=2, d_ff=16, num_layers=1)
    >>> tuple(model((np.ones((2, 5), "int32"), np.ones((2, 4), "int32"))).shape)
    (2, 4, 30)
    """

    def __init__(
        self,
        source_vocab_size,
        target_vocab_size,
        d_model=64,
        num_heads=4,
        d_ff=128,
        num_layers=2,
        max_length=64,
        dropout=0.0,
        pad_id=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.source_vocab_size = check_int(source_vocab_size, "source_vocab_size", 1)
        self.target_vocab_size = check_int(target_vocab_size, "target_vocab_size", 1)
        self.d_model, self.num_heads, self.d_ff, self.dropout = _check_block_args(
            d_model, num_heads, d_ff, dropout
        )
        self.num_layers = check_int(num_layers, "num_layers", 1)
        self.max_length = check_int(max_length, "max_length", 1)
        self.pad_id = check_int(pad_id, "pad_id", 0)
        self.source_embedding = PositionalEmbedding(
            source_vocab_size, d_model, max_length, name="source_embedding"
        )
        self.target_embedding = PositionalEmbedding(
            target_vocab_size, d_model, max_length, name="target_embedding"
        )
        block_args = (self.d_model, self.num_heads, self.d_ff, self.dropout)
        self.encoder_blocks = [
            EncoderBlock(*block_args, name=f"encoder_{i}") for i in range(num_layers)
        ]
        self.decoder_blocks = [
            DecoderBlock(*block_args, name=f"decoder_{i}") for i in range(num_layers)
        ]
        self.drop = keras.layers.Dropout(self.dropout)
        self.output_layer = keras.layers.Dense(target_vocab_size, name="output")
        self._next_token_fn = None  # compiled on first use by `next_token_log_probs`

    def encode(self, encoder_input, training=None, return_attention_scores=False):
        """Encoder output ``(batch, T_x, d_model)`` (and per-block self-attention weights)."""
        source_keys = ops.expand_dims(ops.not_equal(encoder_input, self.pad_id), 1)
        x = self.drop(self.source_embedding(encoder_input), training=training)
        weights = []
        for block in self.encoder_blocks:
            x, w = block(
                x, attention_mask=source_keys, return_attention_scores=True, training=training
            )
            weights.append(w)
        return (x, weights) if return_attention_scores else x

    def decode(
        self, decoder_input, memory, encoder_input, training=None, return_attention_scores=False
    ):
        """Logits ``(batch, T_y, V)`` given the encoder output `memory` of `encoder_input`."""
        source_keys, self_mask = _keras_masks(encoder_input, decoder_input, self.pad_id)
        x = self.drop(self.target_embedding(decoder_input), training=training)
        weights = []
        for block in self.decoder_blocks:
            x, w = block(
                x,
                memory,
                self_mask=self_mask,
                cross_mask=source_keys,
                return_attention_scores=True,
                training=training,
            )
            weights.append(w)
        logits = self.output_layer(x)
        return (logits, weights) if return_attention_scores else logits

    def next_token_log_probs(self, prefix, memory, encoder_input):
        """Log-probabilities ``(batch, V)`` of the token after `prefix` ``(batch, t)``.

        The decoder runs on the whole prefix; only its last position goes through the
        output layer. With the TensorFlow backend this is one compiled graph (traced once for
        all prefix lengths), which makes step-by-step decoding several times faster.
        """
        if self._next_token_fn is None:

            def next_token(prefix, memory, encoder_input):
                source_keys, self_mask = _keras_masks(encoder_input, prefix, self.pad_id)
                x = self.target_embedding(prefix)
                for block in self.decoder_blocks:
                    x = block(x, memory, self_mask=self_mask, cross_mask=source_keys)
                return ops.log_softmax(self.output_layer(x[:, -1]), axis=-1)

            self._next_token_fn = next_token
            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                self._next_token_fn = tf.function(
                    next_token,
                    input_signature=[
                        tf.TensorSpec((None, None), "int32"),
                        tf.TensorSpec((None, None, self.d_model), self.compute_dtype),
                        tf.TensorSpec((None, None), "int32"),
                    ],
                )
        return self._next_token_fn(prefix, memory, encoder_input)

    def call(self, inputs, training=None):
        encoder_input, decoder_input = inputs
        memory = self.encode(encoder_input, training=training)
        return self.decode(decoder_input, memory, encoder_input, training=training)

    def attention_weights(self, encoder_input, decoder_input):
        """Attention weights of every head of every layer, as NumPy arrays.

        Returns:
            A dict with ``"encoder"`` (list, one ``(batch, H, T_x, T_x)`` per block),
            ``"decoder_self"`` (``(batch, H, T_y, T_y)``) and ``"cross"``
            (``(batch, H, T_y, T_x)``).
        """
        memory, encoder_weights = self.encode(encoder_input, return_attention_scores=True)
        _, decoder_weights = self.decode(
            decoder_input, memory, encoder_input, return_attention_scores=True
        )
        return {
            "encoder": [np.asarray(w) for w in encoder_weights],
            "decoder_self": [np.asarray(s) for s, _ in decoder_weights],
            "cross": [np.asarray(c) for _, c in decoder_weights],
        }

    def decoding_start(self, encoder_input):
        """Step function and initial state for `seqcourse.decoding` (greedy, beam search).

        The state is ``(prefix, memory, encoder_input)``: the target tokens fed so far
        ``(N, t)`` (empty at the start), the encoder output ``(N, T_x, d_model)`` and the
        source ids ``(N, T_x)`` (for the cross-attention mask). Each step appends the
        previous token to the prefix and reruns the decoder on the whole prefix (no cache;
        cheap at these lengths), returning the log-probabilities of the next token.

        Args:
            encoder_input: Source ids, int ``(N, T_x)``.

        Returns:
            ``(step_fn, initial_state)`` with
            ``step_fn(prev_tokens (N,), state) -> (log_probs (N, V), new_state)``.
        """
        encoder_input = ops.convert_to_tensor(np.asarray(encoder_input), dtype="int32")
        memory = ops.cast(self.encode(encoder_input, training=False), self.compute_dtype)
        n = ops.shape(encoder_input)[0]
        prefix = ops.zeros((n, 0), dtype="int32")

        def step_fn(prev_tokens, state):
            prefix, memory, source = state
            prev = ops.reshape(ops.cast(ops.convert_to_tensor(prev_tokens), "int32"), (-1, 1))
            prefix = ops.concatenate([ops.cast(prefix, "int32"), prev], axis=1)
            return self.next_token_log_probs(prefix, memory, source), (prefix, memory, source)

        return step_fn, (prefix, memory, encoder_input)

    def get_config(self):
        config = {
            "source_vocab_size": self.source_vocab_size,
            "target_vocab_size": self.target_vocab_size,
            "d_model": self.d_model,
            "num_heads": self.num_heads,
            "d_ff": self.d_ff,
            "num_layers": self.num_layers,
            "max_length": self.max_length,
            "dropout": self.dropout,
            "pad_id": self.pad_id,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="seqcourse")
class TransformerSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Warm-up learning rate of Vaswani et al., with an optional scale factor.

    ``lr(step) = scale * d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5)``, with
    the step counted from 1: linear growth for `warmup_steps` steps, then decay as
    ``1 / sqrt(step)``; the peak, at ``step = warmup_steps``, is
    ``scale / sqrt(d_model * warmup_steps)``.

    Introduced in chapter 9.

    Args:
        d_model: Model width.
        warmup_steps: Number of warm-up steps.
        scale: Multiplies the whole schedule (1 in the paper).

    Example:

    >>> schedule = TransformerSchedule(64, warmup_steps=100)
    >>> round(float(schedule(99)), 6)  # optimizer step 99 is step 100 of the formula
    0.0125
    """

    def __init__(self, d_model, warmup_steps=4000, scale=1.0):
        self.d_model = check_int(d_model, "d_model", 1)
        self.warmup_steps = check_int(warmup_steps, "warmup_steps", 1)
        if not isinstance(scale, int | float) or scale <= 0:
            raise ValueError(f"`scale` must be a positive number. Received: scale={scale!r}")
        self.scale = float(scale)

    def __call__(self, step):
        step = ops.cast(step, "float32") + 1.0  # Keras counts optimizer steps from 0
        decay = ops.minimum(ops.rsqrt(step), step * self.warmup_steps**-1.5)
        return self.scale * self.d_model**-0.5 * decay

    def get_config(self):
        return {"d_model": self.d_model, "warmup_steps": self.warmup_steps, "scale": self.scale}
