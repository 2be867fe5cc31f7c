"""Tests for seqcourse.bptt: BPTT against finite differences and tf.GradientTape.

Relative error is ``||a - b|| / max(||a|| + ||b||, tiny)`` (`seqcourse.gradcheck`).
Tolerances: 1e-7 against central differences (float64, eps = 1e-6), 1e-10 against
tf.GradientTape on the same float64 weights.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqcourse.bptt import TruncatedBPTT, rnn_backward, rnn_cell_backward, rnn_loss_and_grads
from seqcourse.gradcheck import numerical_gradient, relative_error
from seqcourse.rnn import init_rnn_params, params_to_keras, rnn_cell_forward, rnn_forward

BATCH, TIME, N_X, N_H, N_Y = 3, 6, 4, 5, 3


def problem(seed=0):
    rng = np.random.default_rng(seed)
    params = init_rnn_params(N_X, N_H, N_Y, seed=seed)
    x = rng.standard_normal((BATCH, TIME, N_X))
    h0 = 0.5 * rng.standard_normal((BATCH, N_H))
    y = rng.integers(0, N_Y, size=(BATCH, TIME))
    return x, h0, y, params


def test_every_gradient_matches_finite_differences():
    x, h0, y, params = problem()
    _, grads = rnn_loss_and_grads(x, h0, y, params)
    arrays = {**params, "x": x, "h0": h0}
    for name, array in arrays.items():
        numeric = numerical_gradient(lambda: rnn_loss_and_grads(x, h0, y, params)[0], array)
        assert grads[name].shape == array.shape
        assert relative_error(grads[name], numeric) <= 1e-7, name


def test_rnn_backward_with_dh_last_matches_finite_differences():
    x, h0, _, params = problem(1)
    rng = np.random.default_rng(5)
    dhs = rng.standard_normal((BATCH, TIME, N_H))
    dh_last = rng.standard_normal((BATCH, N_H))

    def loss():
        hs, _ = rnn_forward(x, h0, params)
        return float(np.sum(hs * dhs) + np.sum(hs[:, -1] * dh_last))

    _, cache = rnn_forward(x, h0, params)
    grads = rnn_backward(dhs, cache, dh_last=dh_last)
    for name, array in {"W_hh": params["W_hh"], "x": x, "h0": h0}.items():
        assert relative_error(grads[name], numerical_gradient(loss, array)) <= 1e-7, name


def test_every_gradient_matches_gradient_tape():
    x, h0, y, params = problem(2)
    loss, grads = rnn_loss_and_grads(x, h0, y, params)
    v = {k: tf.Variable(a) for k, a in {**params, "x": x, "h0": h0}.items()}
    with tf.GradientTape() as tape:
        h, total = v["h0"], tf.constant(0.0, tf.float64)
        for t in range(TIME):
            h = tf.tanh(
                h @ tf.transpose(v["W_hh"]) + v["x"][:, t] @ tf.transpose(v["W_hx"]) + v["b_h"]
            )
            logits = h @ tf.transpose(v["W_yh"]) + v["b_y"]
            total += tf.reduce_sum(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y[:, t], logits=logits)
            )
        total /= BATCH
    tape_grads = tape.gradient(total, v)
    assert abs(loss - float(total)) <= 1e-12 * abs(loss)
    for name in v:
        assert relative_error(grads[name], tape_grads[name].numpy()) <= 1e-10, name


def test_cell_backward_shapes_and_values():
    x, h0, _, params = problem(3)
    h1 = rnn_cell_forward(x[:, 0], h0, params)
    dh = np.ones_like(h1)
    g = rnn_cell_backward(dh, x[:, 0], h0, h1, params)
    assert {k: v.shape for k, v in g.items()} == {
        "x_t": (BATCH, N_X),
        "h_prev": (BATCH, N_H),
        "W_hh": (N_H, N_H),
        "W_hx": (N_H, N_X),
        "b_h": (N_H,),
    }
    numeric = numerical_gradient(lambda: float(rnn_cell_forward(x[:, 0], h0, params).sum()), h0)
    assert relative_error(g["h_prev"], numeric) <= 1e-7


def test_cell_backward_errors():
    x, h0, _, params = problem()
    with pytest.raises(ValueError, match="Expected x_t"):
        rnn_cell_backward(np.ones((BATCH, N_H + 1)), x[:, 0], h0, h0, params)
    with pytest.raises(ValueError, match="dh_t"):
        rnn_cell_backward(np.ones(N_H), x[:, 0], h0, h0, params)


def test_backward_errors():
    x, h0, y, params = problem()
    hs, cache = rnn_forward(x, h0, params)
    with pytest.raises(ValueError, match="`cache` must be the dict"):
        rnn_backward(hs, {"x": x})
    with pytest.raises(ValueError, match="`dhs` must have the shape"):
        rnn_backward(hs[:, 1:], cache)
    with pytest.raises(ValueError, match="`dh_last` must have shape"):
        rnn_backward(hs, cache, dh_last=np.zeros((BATCH, N_H + 1)))
    with pytest.raises(ValueError, match="`y` must hold integer labels"):
        rnn_loss_and_grads(x, h0, y[:, 1:], params)
    with pytest.raises(ValueError, match="`y` must hold integer labels"):
        rnn_loss_and_grads(x, h0, y + N_Y, params)
    with pytest.raises(ValueError, match="`y` must hold integer labels"):
        rnn_loss_and_grads(x, h0, y.astype(float), params)
    no_head = {k: params[k] for k in ("W_hh", "W_hx", "b_h")}
    with pytest.raises(ValueError, match="`params` must be a dict"):
        rnn_loss_and_grads(x, h0, y, no_head)


def keras_model(params, chunk_length, dtype="float64"):
    rnn = keras.layers.SimpleRNN(N_H, return_sequences=True, return_state=True, dtype=dtype)
    head = keras.layers.Dense(N_Y, dtype=dtype)
    tbptt = TruncatedBPTT(rnn, head, chunk_length=chunk_length)
    rnn.build((None, None, N_X))
    head.build((None, None, N_H))
    params_to_keras(params, rnn)
    head.set_weights([params["W_yh"].T, params["b_y"]])
    return tbptt


def test_truncated_bptt_full_length_equals_numpy_bptt():
    x, _, y, params = problem(4)
    h0 = np.zeros((BATCH, N_H))
    loss, grads = rnn_loss_and_grads(x, h0, y, params)
    for chunk_length in (None, TIME, TIME + 3):
        tb_loss, tb_grads = keras_model(params, chunk_length).gradients(x, y)
        assert abs(tb_loss - loss) <= 1e-12 * loss
        # Keras order: kernel = W_hx.T, recurrent_kernel = W_hh.T, bias; Dense kernel, bias
        ours = [grads["W_hx"].T, grads["W_hh"].T, grads["b_h"], grads["W_yh"].T, grads["b_y"]]
        for a, b in zip(tb_grads, ours, strict=True):
            assert relative_error(a, b) <= 1e-10


def test_truncation_cuts_the_gradient_at_chunk_boundaries():
    x, _, y, params = problem(5)
    full = keras_model(params, None)
    loss, grads = full.gradients(x, y)
    tb_loss, tb_grads = keras_model(params, 2).gradients(x, y)
    assert abs(tb_loss - loss) <= 1e-12 * loss  # same forward pass, state carried over
    assert relative_error(tb_grads[1], grads[1]) > 1e-3  # recurrent gradient differs
    np.testing.assert_allclose(tb_grads[4], grads[4], rtol=1e-12)  # output bias: no recurrence


def test_truncated_gradient_is_the_sum_of_per_chunk_bptt_from_constant_states():
    x, _, y, params = problem(7)
    h0 = np.zeros((BATCH, N_H))
    hs, _ = rnn_forward(x, h0, params)
    k = 4  # chunks [0, 4) and [4, 6): the last one is shorter
    expected = {key: 0.0 for key in ("W_hx", "W_hh", "b_h", "W_yh", "b_y")}
    for start in range(0, TIME, k):
        h_start = h0 if start == 0 else hs[:, start - 1]  # a constant for this chunk
        _, g = rnn_loss_and_grads(x[:, start : start + k], h_start, y[:, start : start + k], params)
        expected = {key: expected[key] + g[key] for key in expected}
    _, tb_grads = keras_model(params, k).gradients(x, y)
    ours = [expected[key].T if key.startswith("W") else expected[key] for key in expected]
    for a, b in zip(tb_grads, ours, strict=True):
        assert relative_error(a, b) <= 1e-10


def test_train_step_updates_after_every_chunk_and_returns_state():
    x, _, y, params = problem(6)
    tbptt = keras_model(params, 2, dtype="float32")
    tbptt.optimizer = keras.optimizers.SGD(0.1)
    before = [np.asarray(v).copy() for v in tbptt.variables]
    loss, states = tbptt.train_step(x.astype("float32"), y)
    assert np.isfinite(loss) and states[0].shape == (BATCH, N_H)
    assert int(tbptt.optimizer.iterations) == TIME // 2
    assert any(
        not np.allclose(a, np.asarray(v)) for a, v in zip(before, tbptt.variables, strict=True)
    )


def test_truncated_bptt_errors():
    rnn = keras.layers.SimpleRNN(4, return_sequences=True, return_state=True)
    head = keras.layers.Dense(2)
    with pytest.raises(ValueError, match="keras.layers.RNN"):
        TruncatedBPTT(head, head)
    with pytest.raises(ValueError, match="return_sequences=True and return_state=True"):
        TruncatedBPTT(keras.layers.SimpleRNN(4, return_sequences=True), head)
    with pytest.raises(ValueError, match="`head` must be a Keras layer"):
        TruncatedBPTT(rnn, lambda z: z)
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="chunk_length"):
            TruncatedBPTT(rnn, head, chunk_length=bad)
    tbptt = TruncatedBPTT(rnn, head, chunk_length=2)
    x, y = np.zeros((2, 5, 3), "float32"), np.zeros((2, 5), "int32")
    with pytest.raises(ValueError, match="`x` must be a float array"):
        tbptt.gradients(x[0], y)
    with pytest.raises(ValueError, match="`y` must hold integer labels"):
        tbptt.gradients(x, y[:, 1:])
    with pytest.raises(ValueError, match="`weights` must have shape"):
        tbptt.gradients(x, y, weights=np.ones((2, 4)))
    with pytest.raises(ValueError, match="needs an optimizer"):
        tbptt.train_step(x, y)
