"""Tests for seqcourse.attention: NumPy references against loops, Keras built-ins and gradients."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqcourse.attention import (
    AdditiveAttention,
    MultiplicativeAttention,
    additive_scores,
    attention_cost,
    attention_forward,
    init_additive_params,
    make_attention,
    masked_softmax,
    multiplicative_scores,
    plot_attention,
)
from seqcourse.gradcheck import numerical_gradient, relative_error

SHAPES = [(1, 1, 1, 1, 1), (2, 3, 5, 4, 6), (3, 7, 2, 5, 3)]  # batch, T_q, T_v, d_q, d_v


def random_inputs(batch, t_q, t_v, d_q, d_v, seed=0):
    rng = np.random.default_rng(seed)
    query = rng.normal(size=(batch, t_q, d_q))
    values = rng.normal(size=(batch, t_v, d_v))
    lengths = rng.integers(1, t_v + 1, size=batch)
    mask = np.arange(t_v)[None, :] < lengths[:, None]  # (batch, T_v), at least one True
    return query, values, mask


def loop_attention(query, values, score_fn, mask=None):
    """The book's equations, one (t, j) pair at a time: scores, softmax, weighted sum."""
    batch, t_q, _ = query.shape
    t_v = values.shape[1]
    context = np.zeros((batch, t_q, values.shape[2]))
    weights = np.zeros((batch, t_q, t_v))
    for n in range(batch):
        keep = np.ones(t_v, bool) if mask is None else mask[n]
        for t in range(t_q):
            e = np.array([score_fn(query[n, t], values[n, j]) for j in range(t_v) if keep[j]])
            alpha = np.exp(e - e.max()) / np.exp(e - e.max()).sum()
            weights[n, t, keep] = alpha
            context[n, t] = sum(
                a * values[n, j] for a, j in zip(alpha, np.flatnonzero(keep), strict=True)
            )
    return context, weights


def additive_params_for(d_q, d_v, units=4, seed=1):
    return init_additive_params(d_q, d_v, units, seed=seed)


# ----------------------------------------------------------------------------- NumPy references


def test_masked_softmax_exact_zeros_and_rows_sum_to_one():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(3, 4, 6)) * 10
    mask = np.array([[1, 1, 0, 1, 0, 0], [1] * 6, [0, 0, 0, 0, 0, 1]], bool)[:, None, :]
    w = masked_softmax(scores, mask)
    assert np.all(w[np.broadcast_to(~mask, w.shape)] == 0.0)  # exactly 0, not just small
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(w[1], masked_softmax(scores[1]), rtol=0, atol=1e-15)
    np.testing.assert_allclose(w[2, :, 5], 1.0, rtol=0, atol=0)


def test_masked_softmax_fully_masked_row_is_zero_and_large_scores_are_stable():
    w = masked_softmax(np.array([[1.0, 2.0], [1000.0, 1001.0]]), np.array([[0, 0], [1, 1]], bool))
    np.testing.assert_array_equal(w[0], [0.0, 0.0])
    np.testing.assert_allclose(w[1], [1 / (1 + np.e), np.e / (1 + np.e)], rtol=1e-12)


@pytest.mark.parametrize("batch,t_q,t_v,d_q,d_v", SHAPES)
@pytest.mark.parametrize("score", ["additive", "dot", "general"])
@pytest.mark.parametrize("masked", [False, True])
def test_attention_forward_matches_the_equations_term_by_term(
    batch, t_q, t_v, d_q, d_v, score, masked
):
    query, values, mask = random_inputs(batch, t_q, t_v, d_q, d_v)
    mask = mask if masked else None
    if score == "additive":
        params = additive_params_for(d_q, d_v)

        def score_fn(s, a):  # v_a^T tanh(W_a s + U_a a), Keras layout stores W_a^T and U_a^T
            w_a, u_a, v_a = params["query_kernel"].T, params["key_kernel"].T, params["score_vector"]
            return v_a @ np.tanh(w_a @ s + u_a @ a)

    elif score == "dot":
        params = None
        query = query[..., :d_v] if d_q >= d_v else np.pad(query, ((0, 0), (0, 0), (0, d_v - d_q)))

        def score_fn(s, a):
            return s @ a

    else:
        params = {"kernel": np.random.default_rng(2).normal(size=(d_q, d_v))}

        def score_fn(s, a):
            return s @ params["kernel"] @ a

    context, weights = attention_forward(query, values, params, score=score, mask=mask)
    ref_context, ref_weights = loop_attention(query, values, score_fn, mask)
    np.testing.assert_allclose(weights, ref_weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose(context, ref_context, rtol=0, atol=1e-12)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    if masked:
        assert np.all(weights[np.broadcast_to(~mask[:, None, :], weights.shape)] == 0.0)


def test_single_query_drops_the_time_axis():
    query, values, mask = random_inputs(3, 1, 5, 4, 2)
    params = additive_params_for(4, 2)
    c1, w1 = attention_forward(query[:, 0], values, params, mask=mask)
    c3, w3 = attention_forward(query, values, params, mask=mask)
    assert c1.shape == (3, 2) and w1.shape == (3, 5)
    np.testing.assert_array_equal(c1, c3[:, 0])
    np.testing.assert_array_equal(w1, w3[:, 0])


def test_separate_keys_score_and_values_average():
    rng = np.random.default_rng(3)
    query, values, keys = (
        rng.normal(size=(2, 3, 4)),
        rng.normal(size=(2, 5, 6)),
        rng.normal(size=(2, 5, 4)),
    )
    context, weights = attention_forward(query, values, score="dot", keys=keys)
    _, ref_weights = attention_forward(query, keys, score="dot")
    np.testing.assert_allclose(weights, ref_weights, rtol=0, atol=1e-14)
    np.testing.assert_allclose(context, weights @ values, rtol=0, atol=1e-14)


def test_padded_values_do_not_change_the_context():
    query, values, mask = random_inputs(3, 4, 6, 5, 5, seed=4)
    params = additive_params_for(5, 5)
    garbage = np.where(mask[:, :, None], values, 1e3)
    for score, p in (("additive", params), ("dot", None)):
        c1, _ = attention_forward(query, values, p, score=score, mask=mask)
        c2, _ = attention_forward(query, garbage, p, score=score, mask=mask)
        np.testing.assert_allclose(c1, c2, rtol=0, atol=1e-12)


def test_additive_scores_and_multiplicative_scores_shapes():
    p = init_additive_params(3, 2, 4)
    assert additive_scores(np.ones((1, 5, 3)), np.ones((1, 7, 2)), p).shape == (1, 5, 7)
    np.testing.assert_array_equal(
        multiplicative_scores(np.ones((1, 2, 3)), np.ones((1, 4, 3))), 3.0
    )


def test_attention_cost_counts_scores_and_bytes():
    cost = attention_cost(10, 12, 64)
    assert cost == {"scores": 120, "score_bytes": 960, "context_bytes": 3072}
    assert attention_cost(10, 12, 64, bytes_per_float=8)["score_bytes"] == 1920


# ----------------------------------------------------------------------------- Keras layers


@pytest.mark.parametrize("batch,t_q,t_v,d_q,d_v", SHAPES)
@pytest.mark.parametrize("dtype,atol", [("float32", 1e-5), ("float64", 1e-12)])
def test_additive_layer_matches_numpy(batch, t_q, t_v, d_q, d_v, dtype, atol):
    query, values, mask = random_inputs(batch, t_q, t_v, d_q, d_v)
    params = additive_params_for(d_q, d_v, units=5)
    layer = AdditiveAttention(5, dtype=dtype)
    layer(query[:1].astype(dtype), values[:1].astype(dtype))
    layer.set_weights([params["query_kernel"], params["key_kernel"], params["score_vector"]])
    for m in (None, mask):
        context, weights = layer(query.astype(dtype), values.astype(dtype), mask=m)
        ref_context, ref_weights = attention_forward(query, values, params, mask=m)
        np.testing.assert_allclose(np.asarray(weights), ref_weights, rtol=0, atol=atol)
        np.testing.assert_allclose(np.asarray(context), ref_context, rtol=0, atol=atol)
        if m is not None:
            assert np.all(np.asarray(weights)[np.broadcast_to(~m[:, None], ref_weights.shape)] == 0)


@pytest.mark.parametrize("score", ["dot", "general"])
@pytest.mark.parametrize("dtype,atol", [("float32", 1e-5), ("float64", 1e-12)])
def test_multiplicative_layer_matches_numpy(score, dtype, atol):
    query, values, mask = random_inputs(3, 4, 6, 5, 5 if score == "dot" else 3)
    layer = MultiplicativeAttention(score, dtype=dtype)
    context, weights = layer(query.astype(dtype), values.astype(dtype), mask=mask)
    params = {"kernel": np.asarray(layer.kernel, dtype=np.float64)} if score == "general" else None
    ref_context, ref_weights = attention_forward(query, values, params, score=score, mask=mask)
    np.testing.assert_allclose(np.asarray(weights), ref_weights, rtol=0, atol=atol)
    np.testing.assert_allclose(np.asarray(context), ref_context, rtol=0, atol=atol)


def test_additive_with_identity_kernels_equals_keras_additive_attention():
    # keras.layers.AdditiveAttention: scores = sum(scale * tanh(q + k)), no W_a, U_a.
    query, values, mask = random_inputs(3, 4, 6, 5, 5, seed=7)
    scale = np.random.default_rng(8).normal(size=5)
    ours = AdditiveAttention(5, dtype="float64")
    ours(query, values)
    ours.set_weights([np.eye(5), np.eye(5), scale])
    theirs = keras.layers.AdditiveAttention(use_scale=True, dtype="float64")
    theirs([query, values])
    theirs.set_weights([scale])
    for m in (None, mask):
        context, weights = ours(query, values, mask=m)
        kmask = None if m is None else [None, m]
        ref_context, ref_weights = theirs([query, values], mask=kmask, return_attention_scores=True)
        np.testing.assert_allclose(np.asarray(weights), np.asarray(ref_weights), rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.asarray(context), np.asarray(ref_context), rtol=0, atol=1e-12)


def test_dot_and_general_equal_keras_attention():
    query, values, mask = random_inputs(2, 3, 7, 4, 4, seed=9)
    theirs = keras.layers.Attention(dtype="float64")  # score_mode="dot", use_scale=False
    dot = MultiplicativeAttention("dot", dtype="float64")
    general = MultiplicativeAttention("general", dtype="float64")
    general(query, values)
    kernel = np.random.default_rng(10).normal(size=(4, 4))
    general.set_weights([kernel])
    for m in (None, mask):
        kmask = None if m is None else [None, m]
        c_ref, w_ref = theirs([query, values], mask=kmask, return_attention_scores=True)
        c, w = dot(query, values, mask=m)
        np.testing.assert_allclose(np.asarray(w), np.asarray(w_ref), rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.asarray(c), np.asarray(c_ref), rtol=0, atol=1e-12)
        c_ref, w_ref = theirs([query @ kernel, values], mask=kmask, return_attention_scores=True)
        c, w = general(query, values, mask=m)
        np.testing.assert_allclose(np.asarray(w), np.asarray(w_ref), rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.asarray(c), np.asarray(c_ref), rtol=0, atol=1e-12)


def test_general_with_identity_kernel_equals_dot():
    query, values, mask = random_inputs(2, 3, 5, 4, 4, seed=11)
    general = MultiplicativeAttention("general", kernel_initializer="identity", dtype="float64")
    c1, w1 = general(query, values, mask=mask)
    c2, w2 = MultiplicativeAttention("dot", dtype="float64")(query, values, mask=mask)
    np.testing.assert_allclose(np.asarray(w1), np.asarray(w2), rtol=0, atol=1e-14)
    np.testing.assert_allclose(np.asarray(c1), np.asarray(c2), rtol=0, atol=1e-14)


@pytest.mark.parametrize("score", ["additive", "dot", "general"])
def test_gradient_tape_matches_finite_differences(score):
    query, values, mask = random_inputs(2, 3, 4, 3, 3, seed=12)
    layer = make_attention(score, units=4, dtype="float64")
    layer(query, values)
    readout = np.random.default_rng(13).normal(size=(2, 3, 3))
    q_var, v_var = tf.constant(query), tf.constant(values)
    with tf.GradientTape() as tape:
        tape.watch([q_var, v_var])
        context, _ = layer(q_var, v_var, mask=mask)
        loss = tf.reduce_sum(context * readout)
    grads = tape.gradient(loss, [q_var, v_var, *layer.trainable_weights])
    names = {"additive": ["query_kernel", "key_kernel", "score_vector"], "general": ["kernel"]}
    params = {
        n: np.asarray(w, np.float64).copy()
        for n, w in zip(names.get(score, []), layer.weights, strict=True)
    }
    arrays = [query.copy(), values.copy(), *params.values()]  # perturbed in place by f's inputs

    def f():
        c, _ = attention_forward(arrays[0], arrays[1], params or None, score=score, mask=mask)
        return np.sum(c * readout)

    for array, grad in zip(arrays, grads, strict=True):
        numeric = numerical_gradient(f, array)
        assert relative_error(np.asarray(grad), numeric) < 1e-8


def test_masked_positions_get_zero_gradient():
    query, values, mask = random_inputs(2, 3, 5, 4, 4, seed=14)
    layer = AdditiveAttention(3, dtype="float64")
    v_var = tf.constant(values)
    with tf.GradientTape() as tape:
        tape.watch(v_var)
        context, _ = layer(query, v_var, mask=mask)
        loss = tf.reduce_sum(context**2)
    grad = np.asarray(tape.gradient(loss, v_var))
    assert np.all(grad[~mask] == 0.0)
    assert np.any(grad[mask] != 0.0)


@pytest.mark.parametrize(
    "layer", [AdditiveAttention(6, name="att"), MultiplicativeAttention("general")]
)
def test_serialization_round_trip_and_weight_counts(layer):
    query, values, _ = random_inputs(2, 3, 4, 5, 2, seed=15)
    query, values = query.astype("float32"), values.astype("float32")
    expected = layer(query, values)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(clone) is type(layer) and clone.get_config() == layer.get_config()
    clone(query, values)
    clone.set_weights(layer.get_weights())
    for a, b in zip(clone(query, values), expected, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    sizes = [w.shape for w in layer.weights]
    assert sizes == ([(5, 6), (2, 6), (6,)] if isinstance(layer, AdditiveAttention) else [(5, 2)])


def test_layers_work_inside_a_functional_model():
    query = keras.Input((None, 4))
    values = keras.Input((None, 3))
    mask = keras.Input((None,), dtype="bool")
    context, weights = AdditiveAttention(5)(query, values, mask=mask)
    model = keras.Model([query, values, mask], [context, weights])
    q, v, m = random_inputs(2, 3, 6, 4, 3, seed=16)
    c, w = model.predict([q, v, m], verbose=0)
    assert c.shape == (2, 3, 3) and w.shape == (2, 3, 6)
    assert np.all(w[np.broadcast_to(~m[:, None], w.shape)] == 0)


# ----------------------------------------------------------------------------- plotting


def test_plot_attention_labels_and_cropping():
    weights = np.random.default_rng(0).dirichlet(np.ones(6), size=5)
    fig = plot_attention(weights, list("ab cd"), ["x", "y", "z"], title="t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "\u2423", "c", "d"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y", "z"]
    assert ax.images[0].get_array().shape == (3, 5)


# ----------------------------------------------------------------------------- error messages


def test_error_messages():
    q, v, m = random_inputs(2, 3, 4, 3, 3)
    with pytest.raises(ValueError, match="Received: units=0"):
        AdditiveAttention(0)
    with pytest.raises(ValueError, match="Received: score='cosine'"):
        MultiplicativeAttention("cosine")
    with pytest.raises(ValueError, match="Received: score='cosine'"):
        make_attention("cosine")
    with pytest.raises(ValueError, match="Received: score='additive'"):
        multiplicative_scores(q, v, score="additive")
    with pytest.raises(ValueError, match="Received: score='bilinear'"):
        attention_forward(q, v, score="bilinear")
    with pytest.raises(ValueError, match="`query` must be a float array"):
        attention_forward(np.ones(3), v, score="dot")
    with pytest.raises(ValueError, match="Expected query"):
        attention_forward(q, v[:1], score="dot")
    with pytest.raises(ValueError, match="`mask` must be a boolean array"):
        attention_forward(q, v, score="dot", mask=m.astype(int))
    with pytest.raises(ValueError, match="`params` must be a dict"):
        attention_forward(q, v, None, score="additive")
    with pytest.raises(ValueError, match="query_kernel.shape="):
        additive_scores(q, v, init_additive_params(2, 3, 4))
    with pytest.raises(ValueError, match="kernel.shape="):
        multiplicative_scores(q, v, {"kernel": np.ones((2, 2))}, score="general")
    with pytest.raises(ValueError, match="d_q == d_k"):
        multiplicative_scores(q, np.ones((2, 4, 5)))
    with pytest.raises(ValueError, match="d_q == d_k"):
        MultiplicativeAttention("dot")(q.astype("float32"), np.ones((2, 4, 5), "float32"))
    with pytest.raises(ValueError, match="`scores` must be a float array"):
        masked_softmax(np.array([1, 2]))
    with pytest.raises(ValueError, match="`mask` must be a boolean array"):
        masked_softmax(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="must broadcast"):
        masked_softmax(np.ones((2, 3)), np.ones((2, 2), bool))
    with pytest.raises(ValueError, match="Received: t_x=0"):
        attention_cost(0, 2, 3)
    with pytest.raises(ValueError, match="Received: units=0"):
        init_additive_params(2, 2, 0)
    with pytest.raises(ValueError, match="Expected query"):
        AdditiveAttention(2)(np.ones((2, 3, 4, 5), "float32"), np.ones((2, 3, 5), "float32"))
    with pytest.raises(ValueError, match="`mask` must have shape"):
        AdditiveAttention(2)(q, v, mask=np.ones((2, 3, 4), bool))
    with pytest.raises(ValueError, match="`weights` must be 2-D"):
        plot_attention(np.ones((2, 2)), ["a", "b", "c"], ["x"])
