"""Tests for seqcourse.rnn: the NumPy reference RNN against keras.layers.SimpleRNN."""

import keras
import numpy as np
import pytest

from seqcourse.rnn import (
    check_params,
    init_rnn_params,
    params_from_keras,
    params_to_keras,
    rnn_cell_forward,
    rnn_forward,
    rnn_output,
    softmax,
)

SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (4, 7, 6, 2), (3, 12, 2, 16)]  # batch, time, n_x, n_h


def keras_rnn(n_x, n_h, dtype="float32"):
    layer = keras.layers.SimpleRNN(n_h, return_sequences=True, dtype=dtype)
    layer.build((None, None, n_x))
    return layer


@pytest.mark.parametrize("batch,time,n_x,n_h", SHAPES)
def test_rnn_forward_matches_simple_rnn_float32(batch, time, n_x, n_h):
    params = init_rnn_params(n_x, n_h, seed=batch + time)
    x = np.random.default_rng(1).normal(size=(batch, time, n_x))
    layer = keras_rnn(n_x, n_h)
    params_to_keras(params, layer)
    expected = np.asarray(layer(x.astype("float32")))
    hs, _ = rnn_forward(x, np.zeros((batch, n_h)), params)
    np.testing.assert_allclose(hs, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("batch,time,n_x,n_h", SHAPES)
def test_rnn_forward_matches_simple_rnn_float64(batch, time, n_x, n_h):
    params = init_rnn_params(n_x, n_h, seed=batch * time)
    x = np.random.default_rng(2).normal(size=(batch, time, n_x))
    h0 = np.random.default_rng(3).normal(size=(batch, n_h))
    layer = keras_rnn(n_x, n_h, dtype="float64")
    params_to_keras(params, layer)
    expected = np.asarray(layer(x, initial_state=[h0]))
    assert expected.dtype == np.float64
    hs, _ = rnn_forward(x, h0, params)
    np.testing.assert_allclose(hs, expected, rtol=0, atol=1e-12)


def test_rnn_forward_cache_and_dtype():
    params = init_rnn_params(3, 4, dtype=np.float32)
    x = np.ones((2, 5, 3), dtype=np.float32)
    h0 = np.zeros((2, 4), dtype=np.float32)
    hs, cache = rnn_forward(x, h0, params)
    assert hs.shape == (2, 5, 4) and hs.dtype == np.float32
    assert set(cache) == {"x", "h0", "hs", "params"}
    assert cache["x"] is x and cache["h0"] is h0 and cache["hs"] is hs and cache["params"] is params


def test_rnn_cell_forward_is_step_one_of_rnn_forward():
    params = init_rnn_params(3, 5, seed=4)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 6, 3))
    h0 = rng.normal(size=(4, 5))
    hs, _ = rnn_forward(x, h0, params)
    h = h0
    for t in range(6):
        h = rnn_cell_forward(x[:, t], h, params)
        np.testing.assert_allclose(h, hs[:, t], rtol=0, atol=1e-15)


def test_cell_matches_the_equation_for_one_column_vector():
    # Independent reference: the column-vector equation of book/notation.md, one example.
    params = init_rnn_params(3, 4, seed=6)
    x_t = np.random.default_rng(7).normal(size=3)
    h_prev = np.random.default_rng(8).normal(size=4)
    expected = np.tanh(params["W_hh"] @ h_prev + params["W_hx"] @ x_t + params["b_h"])
    got = rnn_cell_forward(x_t[None], h_prev[None], params)[0]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)


def test_stacked_form_equals_two_matrix_form():
    n_x, n_h = 3, 5
    params = init_rnn_params(n_x, n_h, seed=9)
    rng = np.random.default_rng(10)
    x_t, h_prev = rng.normal(size=(7, n_x)), rng.normal(size=(7, n_h))
    W_h = np.concatenate([params["W_hh"], params["W_hx"]], axis=1)  # [W_hh | W_hx]
    assert W_h.shape == (n_h, n_h + n_x)
    stacked = np.tanh(np.concatenate([h_prev, x_t], axis=1) @ W_h.T + params["b_h"])
    np.testing.assert_allclose(stacked, rnn_cell_forward(x_t, h_prev, params), atol=1e-14)


def test_rnn_output_and_softmax_match_keras_dense():
    params = init_rnn_params(3, 4, n_y=6, seed=11)
    hs = np.random.default_rng(12).normal(size=(2, 5, 4))
    dense = keras.layers.Dense(6, dtype="float64")
    dense.build((None, None, 4))
    dense.set_weights([params["W_yh"].T, params["b_y"]])
    logits = rnn_output(hs, params)
    np.testing.assert_allclose(logits, np.asarray(dense(hs)), atol=1e-12)
    probs = softmax(logits)
    np.testing.assert_allclose(probs, np.asarray(keras.ops.softmax(logits, axis=-1)), atol=1e-12)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-12)


def test_softmax_is_stable_and_respects_axis():
    z = np.array([[1000.0, 1000.0], [-1000.0, 0.0]])
    np.testing.assert_allclose(softmax(z), [[0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), [1.0, 1.0])


def test_params_round_trip_through_keras():
    params = init_rnn_params(4, 3, seed=13)
    layer = keras_rnn(4, 3, dtype="float64")
    params_to_keras(params, layer)
    back = params_from_keras(layer)
    assert set(back) == {"W_hh", "W_hx", "b_h"}
    for key in back:
        assert back[key].dtype == np.float64
        np.testing.assert_array_equal(back[key], params[key])
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_array_equal(kernel, params["W_hx"].T)
    np.testing.assert_array_equal(recurrent, params["W_hh"].T)


def test_init_rnn_params_shapes_scale_and_seed():
    p = init_rnn_params(3, 5, 2, seed=0)
    assert {k: v.shape for k, v in p.items()} == {
        "W_hh": (5, 5),
        "W_hx": (5, 3),
        "b_h": (5,),
        "W_yh": (2, 5),
        "b_y": (2,),
    }
    q = init_rnn_params(3, 5, 2, seed=0)
    assert all(np.array_equal(p[k], q[k]) for k in p)
    big = init_rnn_params(400, 300, seed=1)
    assert abs(big["W_hx"].std() - 1 / np.sqrt(400)) < 0.002
    assert init_rnn_params(2, 2, seed=1, dtype=np.float32)["W_hh"].dtype == np.float32
    assert np.all(init_rnn_params(2, 2, scale=0.0)["W_hh"] == 0)
    assert check_params(p, output=True) == (3, 5, 2)
    assert check_params(init_rnn_params(3, 5)) == (3, 5, None)


# --- error messages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"n_x": 0, "n_h": 2}, r"`n_x` must be a positive integer. Received: n_x=0"),
        ({"n_x": 2, "n_h": 2.0}, r"`n_h` must be a positive integer. Received: n_h=2.0"),
        ({"n_x": True, "n_h": 2}, r"`n_x` must be a positive integer. Received: n_x=True"),
        ({"n_x": 2, "n_h": 2, "n_y": 0}, r"`n_y` must be a positive integer or None. Received"),
    ],
)
def test_init_rnn_params_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        init_rnn_params(**kwargs)


def test_check_params_errors():
    good = init_rnn_params(3, 4, 2)
    with pytest.raises(ValueError, match=r"must be a dict with keys .* Received: params=list"):
        check_params([1, 2])
    with pytest.raises(ValueError, match=r"Received: params=\['W_hh', 'W_hx'\]"):
        check_params({"W_hh": good["W_hh"], "W_hx": good["W_hx"]})
    with pytest.raises(ValueError, match=r"Received: params=\['W_hh', 'W_hx', 'b_h'\]"):
        check_params({k: good[k] for k in ("W_hh", "W_hx", "b_h")}, output=True)
    with pytest.raises(ValueError, match=r"`W_hh` must be a 2-D float array. Received"):
        check_params({**good, "W_hh": np.ones(4)})
    with pytest.raises(ValueError, match=r"`W_hx` must be a 2-D float array.*dtype=int"):
        check_params({**good, "W_hx": np.ones((4, 3), dtype=int)})
    with pytest.raises(ValueError, match=r"Inconsistent shapes.*W_hh.shape=\(3, 3\)"):
        check_params({**good, "W_hh": np.ones((3, 3))})
    with pytest.raises(ValueError, match=r"Inconsistent shapes.*b_h.shape=\(5,\)"):
        check_params({**good, "b_h": np.ones(5)})
    with pytest.raises(ValueError, match=r"Inconsistent shapes.*W_yh.shape=\(2, 3\)"):
        check_params({**good, "W_yh": np.ones((2, 3))})
    with pytest.raises(ValueError, match=r"`b_y` must be a 1-D float array"):
        check_params({**good, "b_y": np.ones((2, 1))})


def test_rnn_cell_forward_errors():
    p = init_rnn_params(3, 4)
    with pytest.raises(ValueError, match=r"`x_t` must be a 2-D float array"):
        rnn_cell_forward(np.ones(3), np.zeros((1, 4)), p)
    with pytest.raises(ValueError, match=r"`h_prev` must be a 2-D float array"):
        rnn_cell_forward(np.ones((1, 3)), np.zeros(4), p)
    with pytest.raises(ValueError, match=r"Expected x_t \(batch, 3\).*x_t.shape=\(1, 2\)"):
        rnn_cell_forward(np.ones((1, 2)), np.zeros((1, 4)), p)
    with pytest.raises(ValueError, match=r"h_prev.shape=\(2, 4\)"):
        rnn_cell_forward(np.ones((1, 3)), np.zeros((2, 4)), p)


def test_rnn_forward_errors():
    p = init_rnn_params(3, 4)
    with pytest.raises(ValueError, match=r"`x` must be a 3-D float array"):
        rnn_forward(np.ones((2, 3)), np.zeros((2, 4)), p)
    with pytest.raises(ValueError, match=r"`x` must be a 3-D float array.*dtype=int"):
        rnn_forward(np.ones((2, 5, 3), dtype=int), np.zeros((2, 4)), p)
    with pytest.raises(ValueError, match=r"`h0` must be a 2-D float array"):
        rnn_forward(np.ones((2, 5, 3)), np.zeros(4), p)
    with pytest.raises(
        ValueError, match=r"Expected x \(batch, time >= 1, 3\).*x.shape=\(2, 5, 2\)"
    ):
        rnn_forward(np.ones((2, 5, 2)), np.zeros((2, 4)), p)
    with pytest.raises(ValueError, match=r"h0.shape=\(3, 4\)"):
        rnn_forward(np.ones((2, 5, 3)), np.zeros((3, 4)), p)
    with pytest.raises(ValueError, match=r"x.shape=\(2, 0, 3\)"):
        rnn_forward(np.ones((2, 0, 3)), np.zeros((2, 4)), p)


def test_rnn_output_errors():
    with pytest.raises(ValueError, match=r"has no output layer .* Received: params without W_yh"):
        rnn_output(np.ones((1, 2, 4)), init_rnn_params(3, 4))
    p = init_rnn_params(3, 4, 2)
    with pytest.raises(
        ValueError, match=r"`hs` must end with n_h=4. Received: hs.shape=\(1, 2, 5\)"
    ):
        rnn_output(np.ones((1, 2, 5)), p)
    with pytest.raises(ValueError, match=r"`hs` must be a 3-D float array"):
        rnn_output(np.ones((2, 4)), p)


def test_keras_conversion_errors():
    p = init_rnn_params(3, 4)
    unbuilt = keras.layers.SimpleRNN(4)
    with pytest.raises(ValueError, match=r"must be a built keras.layers.SimpleRNN. Received"):
        params_from_keras(unbuilt)
    with pytest.raises(ValueError, match=r"must be a built keras.layers.SimpleRNN. Received"):
        params_to_keras(p, keras.layers.Dense(4))
    with pytest.raises(ValueError, match=r"must be a built keras.layers.SimpleRNN. Received"):
        params_to_keras(p, unbuilt)
    no_bias = keras.layers.SimpleRNN(4, use_bias=False)
    no_bias.build((None, None, 3))
    with pytest.raises(ValueError, match=r"must use a bias. Received: layer with use_bias=False"):
        params_from_keras(no_bias)
    with pytest.raises(ValueError, match=r"must use a bias. Received: layer with use_bias=False"):
        params_to_keras(p, no_bias)
    with pytest.raises(ValueError, match=r"do not match params \(n_x=3, n_h=4\). Received: layer"):
        params_to_keras(p, keras_rnn(3, 5))
