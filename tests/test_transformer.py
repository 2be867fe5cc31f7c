"""Tests of seqcourse.transformer: NumPy references against Keras, masks, blocks, model."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqcourse import decoding
from seqcourse import transformer as T

ATOL32 = 1e-5  # float32 computation against the float64 reference


def _keras_mha(params, num_heads, key_dim, x, memory):
    layer = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim)
    layer(x, memory)
    layer.set_weights([params[n] for n in T.MHA_WEIGHT_NAMES])
    return layer


def _data(seed=0, batch=3, t_q=5, t_k=6, d_model=8):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((batch, t_q, d_model)).astype("float32"),
        rng.standard_normal((batch, t_k, d_model)).astype("float32"),
    )


# ----- masks ---------------------------------------------------------------------------


def test_padding_mask_values_and_shape():
    ids = np.array([[4, 5, 0, 0], [7, 0, 0, 0]])
    mask = T.padding_mask(ids)
    assert mask.shape == (2, 1, 4) and mask.dtype == bool
    np.testing.assert_array_equal(mask[:, 0], ids != 0)
    np.testing.assert_array_equal(T.padding_mask(ids, pad_id=7)[1, 0], [False, True, True, True])


def test_causal_mask_is_lower_triangular():
    mask = T.causal_mask(4)
    assert mask.shape == (1, 4, 4)
    i, j = np.indices((4, 4))
    np.testing.assert_array_equal(mask[0], j <= i)


def test_decoder_self_attention_mask_combines_causal_and_padding():
    ids = np.array([[2, 5, 6, 0, 0]])
    mask = T.decoder_self_attention_mask(ids)
    assert mask.shape == (1, 5, 5)
    i, j = np.indices((5, 5))
    np.testing.assert_array_equal(mask[0], (j <= i) & (ids[0] != 0)[None, :])
    assert mask[0].any(axis=1).all()  # no query row is fully masked (START is never padding)


def test_cross_attention_mask_hides_padded_source_keys_for_every_query():
    dec = np.array([[2, 5, 0], [2, 0, 0]])
    enc = np.array([[4, 4, 3, 0], [4, 3, 0, 0]])
    mask = T.cross_attention_mask(dec, enc)
    assert mask.shape == (2, 3, 4)
    for b in range(2):
        for t in range(3):
            np.testing.assert_array_equal(mask[b, t], enc[b] != 0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: T.padding_mask(np.zeros(3, int)), "2-D integer array"),
        (lambda: T.padding_mask(np.zeros((2, 3))), "2-D integer array"),
        (lambda: T.padding_mask(np.zeros((2, 3), int), pad_id=-1), "pad_id"),
        (lambda: T.causal_mask(0), "length"),
        (lambda: T.decoder_self_attention_mask(np.zeros(3, int)), "decoder_ids"),
        (
            lambda: T.cross_attention_mask(np.zeros((2, 3), int), np.zeros((3, 3), int)),
            "same batch size",
        ),
        (lambda: T.cross_attention_mask(np.zeros((2, 3), int), np.zeros(3, int)), "encoder_ids"),
    ],
)
def test_mask_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----- scaled dot-product attention ------------------------------------------------------


def test_attention_equals_its_definition_and_keras_ops():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 2))
    out, w = T.scaled_dot_product_attention(q, k, v)
    # definition, one query at a time
    for b in range(2):
        for i in range(4):
            s = np.array([q[b, i] @ k[b, j] / np.sqrt(3) for j in range(5)])
            a = np.exp(s) / np.exp(s).sum()
            np.testing.assert_allclose(w[b, i], a, atol=1e-12)
            np.testing.assert_allclose(out[b, i], a @ v[b], atol=1e-12)
    # Keras's fused op takes (batch, T, heads, d)
    ref = keras.ops.dot_product_attention(
        q[:, :, None].astype("float32"), k[:, :, None].astype("float32"),
        v[:, :, None].astype("float32"),
    )  # fmt: skip
    np.testing.assert_allclose(out, np.asarray(ref)[:, :, 0], atol=ATOL32)


def test_attention_masked_keys_get_exactly_zero_weight():
    rng = np.random.default_rng(2)
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 2))
    mask = np.array([[[1, 1, 1, 0, 0]], [[1, 0, 1, 0, 1]]], bool)
    out, w = T.scaled_dot_product_attention(q, k, v, mask)
    assert np.all(w[np.broadcast_to(~mask, w.shape)] == 0.0)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)
    # same result as attending over the visible keys only
    keep = mask[0, 0]
    out0, _ = T.scaled_dot_product_attention(q[:1], k[:1, keep], v[:1, keep])
    np.testing.assert_allclose(out[:1], out0, atol=1e-12)
    # a fully masked row gets zero weights, not NaN
    _, w = T.scaled_dot_product_attention(q, k, v, np.zeros((1, 5), bool))
    assert np.all(w == 0) and not np.isnan(w).any()


def test_attention_errors():
    x = np.ones((1, 2, 3))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        T.scaled_dot_product_attention(np.ones(3), x, x)
    with pytest.raises(ValueError, match="float array"):
        T.scaled_dot_product_attention(x.astype(int), x, x)
    with pytest.raises(ValueError, match="Expected q"):
        T.scaled_dot_product_attention(np.ones((1, 2, 4)), x, x)
    with pytest.raises(ValueError, match="boolean"):
        T.scaled_dot_product_attention(x, x, x, np.ones((2, 2)))
    with pytest.raises(ValueError, match="must broadcast"):
        T.scaled_dot_product_attention(x, x, x, np.ones((3, 3), bool))


# ----- multi-head attention ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["none", "padding", "causal", "causal+padding"])
def test_multi_head_attention_numpy_and_ours_equal_keras(kind):
    x, memory = _data()
    if kind == "causal" or kind == "causal+padding":
        memory = x  # self-attention
    ids = np.array([[5, 5, 5, 5, 5, 0], [5, 5, 0, 0, 0, 0], [5, 5, 5, 5, 5, 5]])[
        :, : memory.shape[1]
    ]
    t_k = memory.shape[1]
    masks = {
        "none": lambda: None,
        "padding": lambda: np.broadcast_to(T.padding_mask(ids), (3, 5, t_k)),
        "causal": lambda: np.broadcast_to(T.causal_mask(5), (3, 5, 5)),
        "causal+padding": lambda: T.decoder_self_attention_mask(ids),
    }
    mask = masks[kind]()
    params = T.init_mha_params(8, 2, 4, seed=3)
    theirs = _keras_mha(params, 2, 4, x, memory)
    ours = T.MultiHeadAttention(num_heads=2, key_dim=4)
    ours(x, memory)
    ours.set_weights(theirs.get_weights())
    out_k, w_k = theirs(x, memory, attention_mask=mask, return_attention_scores=True)
    out_o, w_o = ours(x, memory, attention_mask=mask, return_attention_scores=True)
    out_n, w_n = T.multi_head_attention(
        x.astype(float), memory.astype(float), params=params, mask=mask
    )
    np.testing.assert_allclose(np.asarray(out_k), out_n, atol=ATOL32)
    np.testing.assert_allclose(np.asarray(out_o), out_n, atol=ATOL32)
    np.testing.assert_allclose(np.asarray(w_k), w_n, atol=ATOL32)
    np.testing.assert_allclose(np.asarray(w_o), w_n, atol=ATOL32)
    assert w_n.shape == (3, 2, 5, memory.shape[1])
    if mask is not None:  # every head sees the same mask; masked keys get exactly 0
        hidden = np.broadcast_to(~mask[:, None], w_n.shape)
        assert np.all(np.asarray(w_o)[hidden] == 0.0) and np.all(w_n[hidden] == 0.0)


def test_keras_causal_flag_equals_causal_mask():
    x, _ = _data()
    params = T.init_mha_params(8, 2, 4, seed=4)
    theirs = _keras_mha(params, 2, 4, x, x)
    out_k = theirs(x, x, use_causal_mask=True)
    out_n, _ = T.multi_head_attention(
        x.astype(float), x.astype(float), params=params, mask=T.causal_mask(5)
    )
    np.testing.assert_allclose(np.asarray(out_k), out_n, atol=ATOL32)


def test_mask_broadcasts_over_heads_not_batch():
    """A (batch, T_q, T_k) mask applies per example, to every head alike."""
    x, memory = _data()
    params = T.init_mha_params(8, 4, 2, seed=5)
    mask = np.ones((3, 5, 6), bool)
    mask[1, :, 3:] = False  # only example 1 loses keys 3..5
    _, w = T.multi_head_attention(x.astype(float), memory.astype(float), params=params, mask=mask)
    assert np.all(w[1, :, :, 3:] == 0)
    assert np.all(w[[0, 2]] > 0)


def test_multi_head_attention_is_concatenated_heads():
    x, memory = _data(batch=1)
    p = T.init_mha_params(8, 2, 4, value_dim=3, seed=6)
    out, w = T.multi_head_attention(x.astype(float), memory.astype(float), params=p)
    heads = []
    for h in range(2):
        q = x[0] @ p["query_kernel"][:, h] + p["query_bias"][h]
        k = memory[0] @ p["key_kernel"][:, h] + p["key_bias"][h]
        v = memory[0] @ p["value_kernel"][:, h] + p["value_bias"][h]
        heads.append(T.scaled_dot_product_attention(q, k, v)[0])
    w_o = p["output_kernel"].reshape(2 * 3, 8)  # W^O stacks the heads' blocks
    np.testing.assert_allclose(
        out[0], np.concatenate(heads, axis=1) @ w_o + p["output_bias"], atol=1e-5
    )


def test_multi_head_attention_errors():
    x = np.ones((1, 2, 8))
    p = T.init_mha_params(8, 2, 4)
    with pytest.raises(ValueError, match="`params` must be a dict"):
        T.multi_head_attention(x, x, params={"query_kernel": 1})
    with pytest.raises(ValueError, match="3-D float array"):
        T.multi_head_attention(np.ones((2, 8)), x, params=p)
    with pytest.raises(ValueError, match="Expected query"):
        T.multi_head_attention(x, x, key=np.ones((1, 3, 8)), params=p)
    with pytest.raises(ValueError, match="num_heads"):
        T.init_mha_params(8, 0, 4)
    with pytest.raises(ValueError, match="8 weights"):
        T.mha_params_from_keras(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="num_heads"):
        T.MultiHeadAttention(0, 4)
    with pytest.raises(ValueError, match="dropout"):
        T.MultiHeadAttention(2, 4, dropout=1.5)


def test_mha_params_from_keras_roundtrip():
    x, memory = _data()
    params = T.init_mha_params(8, 2, 4, seed=7)
    layer = _keras_mha(params, 2, 4, x, memory)
    back = T.mha_params_from_keras(layer)
    for name in T.MHA_WEIGHT_NAMES:
        np.testing.assert_allclose(back[name], params[name], atol=1e-7)


def test_multi_head_attention_layer_weights_and_serialization():
    layer = T.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3, dropout=0.1)
    x, memory = _data()
    out = layer(x, memory)
    assert out.shape == (3, 5, 8)
    assert [tuple(w.shape) for w in layer.weights] == [
        (8, 2, 4), (2, 4), (8, 2, 4), (2, 4), (8, 2, 3), (2, 3), (2, 3, 8), (8,),
    ]  # fmt: skip
    clone = T.MultiHeadAttention.from_config(layer.get_config())
    clone(x, memory)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x, memory)), np.asarray(out), atol=1e-6)


# ----- positional encoding ----------------------------------------------------------------


def test_positional_encoding_formula():
    pe = T.positional_encoding(50, 16)
    assert pe.shape == (50, 16)
    for pos in (0, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert pe[pos, 2 * i] == pytest.approx(np.sin(angle), abs=1e-12)
            assert pe[pos, 2 * i + 1] == pytest.approx(np.cos(angle), abs=1e-12)
    # relative positions are linear maps: PE[pos + k] = R_k PE[pos] in each (sin, cos) pair
    k = 3
    for i in range(8):
        rate = 1 / 10000 ** (2 * i / 16)
        c, s = np.cos(k * rate), np.sin(k * rate)
        rot = np.array([[c, -s], [s, c]])
        np.testing.assert_allclose(
            pe[k:, 2 * i : 2 * i + 2], pe[:-k, 2 * i : 2 * i + 2] @ rot, atol=1e-12
        )


def test_positional_encoding_errors():
    with pytest.raises(ValueError, match="even"):
        T.positional_encoding(3, 5)
    with pytest.raises(ValueError, match="length"):
        T.positional_encoding(0, 4)
    with pytest.raises(ValueError, match="even"):
        T.PositionalEmbedding(10, 5, 4)


def test_positional_embedding_adds_scaled_embedding_and_encoding():
    layer = T.PositionalEmbedding(10, 8, max_length=6)
    ids = np.array([[1, 2, 3, 0]])
    out = np.asarray(layer(ids))
    table = np.asarray(layer.embedding.embeddings)
    expected = table[ids[0]] * np.sqrt(8) + T.positional_encoding(6, 8)[:4]
    np.testing.assert_allclose(out[0], expected, atol=1e-5)


# ----- blocks -----------------------------------------------------------------------------


def _layer_norm(x, gamma, beta, eps=1e-6):
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def _dense(layer, x, relu=False):
    w, b = (np.asarray(a, dtype=float) for a in layer.get_weights())
    y = x @ w + b
    return np.maximum(y, 0) if relu else y


def _ffn(block, x):
    y = _dense(block.ffn_output, _dense(block.ffn_hidden, x, relu=True))
    return _layer_norm(x + y, *(np.asarray(a, float) for a in block.ffn_norm.get_weights()))


def _randomize(layer, seed):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=0.3, size=w.shape) for w in layer.get_weights()])


def test_encoder_block_equals_numpy_equations():
    x, _ = _data(batch=2, t_q=5)
    mask = T.padding_mask(np.array([[3, 3, 3, 0, 0], [3, 3, 3, 3, 3]]))
    block = T.EncoderBlock(8, 2, 16)
    block(x, attention_mask=mask)
    _randomize(block, 8)
    out = np.asarray(block(x, attention_mask=mask))
    xs = x.astype(float)
    a, _ = T.multi_head_attention(
        xs, xs, params=T.mha_params_from_keras(block.self_attention), mask=mask
    )
    h = _layer_norm(xs + a, *(np.asarray(w, float) for w in block.attention_norm.get_weights()))
    np.testing.assert_allclose(out, _ffn(block, h), atol=1e-4)


def test_decoder_block_equals_numpy_equations():
    x, memory = _data(batch=2, t_q=4, t_k=6)
    dec_ids = np.array([[2, 5, 6, 0], [2, 5, 6, 7]])
    enc_ids = np.array([[4, 4, 4, 3, 0, 0], [4, 4, 4, 4, 4, 3]])
    self_mask = T.decoder_self_attention_mask(dec_ids)
    cross_mask = T.padding_mask(enc_ids)
    block = T.DecoderBlock(8, 2, 16)
    block(x, memory, self_mask=self_mask, cross_mask=cross_mask)
    _randomize(block, 9)
    out = np.asarray(block(x, memory, self_mask=self_mask, cross_mask=cross_mask))
    xs, ms = x.astype(float), memory.astype(float)
    a, _ = T.multi_head_attention(
        xs, xs, params=T.mha_params_from_keras(block.self_attention), mask=self_mask
    )
    h = _layer_norm(xs + a, *(np.asarray(w, float) for w in block.self_norm.get_weights()))
    c, _ = T.multi_head_attention(
        h, ms, params=T.mha_params_from_keras(block.cross_attention), mask=cross_mask
    )
    h = _layer_norm(h + c, *(np.asarray(w, float) for w in block.cross_norm.get_weights()))
    np.testing.assert_allclose(out, _ffn(block, h), atol=1e-4)


def test_block_errors():
    with pytest.raises(ValueError, match="divisible"):
        T.EncoderBlock(10, 4, 16)
    with pytest.raises(ValueError, match="d_ff"):
        T.DecoderBlock(8, 2, 0)
    with pytest.raises(ValueError, match="dropout"):
        T.EncoderBlock(8, 2, 16, dropout=-0.1)


# ----- the model --------------------------------------------------------------------------


def _model(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    config = dict(d_model=16, num_heads=2, d_ff=32, num_layers=2, max_length=12)
    config.update(kwargs)
    model = T.Transformer(11, 13, **config)
    enc = np.array([[4, 5, 6, 3, 0, 0], [7, 8, 9, 10, 5, 3]], dtype="int32")
    dec = np.array([[2, 4, 5, 6, 0], [2, 7, 8, 9, 10]], dtype="int32")
    model((enc, dec))
    return model, enc, dec


@pytest.fixture(scope="module")
def small_model():
    return _model()


def test_decoder_cannot_see_future_tokens(small_model):
    model, enc, dec = small_model
    logits = np.asarray(model((enc, dec)))
    for t in range(dec.shape[1] - 1):
        changed = dec.copy()
        changed[:, t + 1 :] = (changed[:, t + 1 :] + 1) % 12 + 1  # new future tokens, no PAD
        other = np.asarray(model((enc, changed)))
        np.testing.assert_array_equal(other[:, : t + 1], logits[:, : t + 1])  # bit-identical
        assert np.abs(other[:, t + 1 :] - logits[:, t + 1 :]).max() > 1e-4


def test_padded_source_tokens_change_nothing(small_model):
    model, enc, dec = small_model
    logits = np.asarray(model((enc, dec)))
    enc_longer = np.concatenate([enc, np.zeros((2, 3), "int32")], axis=1)  # more padding
    np.testing.assert_allclose(np.asarray(model((enc_longer, dec))), logits, atol=1e-6)
    # the padded source positions' own encoder states do not leak into the decoder
    weights = model.attention_weights(enc, dec)
    pad = enc == 0
    for w in weights["cross"] + weights["encoder"]:
        assert np.all(w[np.broadcast_to(pad[:, None, None, :], w.shape)] == 0.0)
    for w in weights["decoder_self"]:
        i, j = np.indices(w.shape[-2:])
        assert np.all(w[..., j > i] == 0.0)


def test_garbage_in_padded_encoder_states_changes_nothing(small_model):
    """If the cross-attention mask were wrong, whatever sits at padded positions would leak in."""
    model, enc, dec = small_model
    logits = np.asarray(model((enc, dec)))
    memory = np.asarray(model.encode(enc))
    poisoned = memory.copy()
    poisoned[0, 4:] = 100.0  # garbage in the encoder states of the padded positions
    out = np.asarray(model.decode(dec, poisoned, enc))
    np.testing.assert_array_equal(out, logits)


def test_padded_decoder_positions_do_not_affect_real_ones(small_model):
    model, enc, dec = small_model
    logits = np.asarray(model((enc, dec)))
    longer = np.concatenate([dec, np.zeros((2, 2), "int32")], axis=1)
    np.testing.assert_allclose(np.asarray(model((enc, longer)))[:, :5], logits, atol=1e-6)


def test_model_serialization_and_parameter_count():
    model, enc, dec = _model(num_layers=1)
    d, ff, v_src, v_tgt = 16, 32, 11, 13
    mha = 4 * (d * d + d)
    ln = 2 * d
    ffn = d * ff + ff + ff * d + d
    expected = (
        v_src * d + v_tgt * d  # embeddings
        + (mha + ln + ffn + ln)  # encoder block
        + (2 * (mha + ln) + ffn + ln)  # decoder block
        + d * v_tgt + v_tgt  # output layer
    )  # fmt: skip
    assert model.count_params() == expected
    clone = T.Transformer.from_config(model.get_config())
    clone((enc, dec))
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(
        np.asarray(clone((enc, dec))), np.asarray(model((enc, dec))), atol=1e-6
    )


def test_step_function_matches_teacher_forcing_and_decoding_works(small_model):
    model, enc, dec = small_model
    log_probs = tf.nn.log_softmax(model((enc, dec))).numpy()
    step_fn, state = model.decoding_start(enc)
    for t in range(dec.shape[1]):
        lp, state = step_fn(dec[:, t], state)
        np.testing.assert_allclose(np.asarray(lp), log_probs[:, t], atol=1e-5)
    step_fn, state = model.decoding_start(enc)
    greedy = decoding.greedy_decode(
        step_fn, state, batch_size=2, start_id=2, end_id=3, max_length=6
    )
    step_fn, state = model.decoding_start(enc)
    beam = decoding.beam_search(
        step_fn, state, batch_size=2, start_id=2, end_id=3, max_length=6, beam_width=1
    )
    np.testing.assert_array_equal(beam.tokens[:, 0], greedy.tokens)
    step_fn, state = model.decoding_start(enc)
    beam = decoding.beam_search(
        step_fn, state, batch_size=2, start_id=2, end_id=3, max_length=6, beam_width=3
    )
    assert np.all(beam.log_probs[:, 0] >= greedy.log_probs - 1e-9) or np.all(beam.lengths <= 6)


def test_model_errors():
    with pytest.raises(ValueError, match="divisible"):
        T.Transformer(10, 10, d_model=10, num_heads=4)
    with pytest.raises(ValueError, match="num_layers"):
        T.Transformer(10, 10, num_layers=0)
    with pytest.raises(ValueError, match="source_vocab_size"):
        T.Transformer(0, 10)


# ----- learning-rate schedule -------------------------------------------------------------


def test_schedule_formula_and_peak():
    schedule = T.TransformerSchedule(64, warmup_steps=100, scale=2.0)
    steps = np.arange(0, 400)
    got = np.array([float(schedule(s)) for s in steps])
    n = steps + 1.0
    expected = 2.0 * 64**-0.5 * np.minimum(n**-0.5, n * 100**-1.5)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert got.argmax() == 99 and got.max() == pytest.approx(2.0 / np.sqrt(64 * 100), rel=1e-6)
    clone = T.TransformerSchedule.from_config(schedule.get_config())
    assert float(clone(10)) == float(schedule(10))


def test_schedule_errors():
    with pytest.raises(ValueError, match="warmup_steps"):
        T.TransformerSchedule(64, warmup_steps=0)
    with pytest.raises(ValueError, match="scale"):
        T.TransformerSchedule(64, scale=0)
