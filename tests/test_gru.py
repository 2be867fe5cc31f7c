"""Tests for seqcourse.gru: the NumPy reference GRU against keras.layers.GRU and the plain RNN."""

import keras
import numpy as np
import pytest

from seqcourse import cells
from seqcourse.gru import (
    check_gru_params,
    gru_cell_forward,
    gru_forward,
    gru_param_count,
    gru_params_from_keras,
    init_gru_params,
)
from seqcourse.rnn import rnn_forward

SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (4, 7, 6, 2), (3, 12, 2, 16)]  # batch, time, n_x, n_h


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def random_inputs(batch, time, n_x, n_h, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(batch, time, n_x)), rng.normal(size=(batch, n_h))


@pytest.mark.parametrize("batch,time,n_x,n_h", SHAPES)
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("dtype,atol", [("float32", 1e-5), ("float64", 1e-12)])
def test_gru_forward_matches_keras_gru(batch, time, n_x, n_h, reset_after, dtype, atol):
    params = init_gru_params(n_x, n_h, seed=batch + time, reset_after=reset_after)
    x, h0 = random_inputs(batch, time, n_x, n_h, seed=n_h)
    layer = keras.layers.GRU(
        n_h, reset_after=reset_after, return_sequences=True, return_state=True, dtype=dtype
    )
    layer.build((None, None, n_x))
    layer.set_weights([params["kernel"], params["recurrent_kernel"], params["bias"]])
    seq, h_T = (np.asarray(a) for a in layer(x.astype(dtype), initial_state=[h0]))
    assert seq.dtype == dtype
    hs, _ = gru_forward(x, h0, params, reset_after=reset_after)
    np.testing.assert_allclose(hs, seq, rtol=0, atol=atol)
    np.testing.assert_allclose(hs[:, -1], h_T, rtol=0, atol=atol)


def test_constant_initializers_match_keras_published_values():
    # The numbers of keras/src/layers/rnn/gru_test.py::test_correctness (Keras 3, float32):
    # kernel 0.01, recurrent kernel 0.02, every bias 0.03, reset_after=True.
    n_x, n_h = 4, 3
    params = {
        "kernel": np.full((n_x, 3 * n_h), 0.01),
        "recurrent_kernel": np.full((n_h, 3 * n_h), 0.02),
        "bias": np.full((2, 3 * n_h), 0.03),
    }
    x = np.arange(72, dtype=np.float64).reshape(3, 6, 4)
    hs, _ = gru_forward(x, np.zeros((3, n_h)), params)
    expected = np.repeat([[0.5217289], [0.6371659], [0.39384964]], 3, axis=1)
    np.testing.assert_allclose(hs[:, -1], expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("reset_after", [True, False])
def test_cell_matches_the_equations_for_one_column_vector(reset_after):
    n_x, n_h = 3, 4
    params = init_gru_params(n_x, n_h, seed=1, reset_after=reset_after)
    rng = np.random.default_rng(2)
    x, h = rng.normal(size=n_x), rng.normal(size=n_h)
    K = [params["kernel"][:, k * n_h : (k + 1) * n_h].T for k in range(3)]  # W_gx
    R = [params["recurrent_kernel"][:, k * n_h : (k + 1) * n_h].T for k in range(3)]  # W_gh
    bias = params["bias"]
    b_x = bias[0] if reset_after else bias
    b_h = bias[1] if reset_after else np.zeros(3 * n_h)
    b = [(b_x[k * n_h : (k + 1) * n_h], b_h[k * n_h : (k + 1) * n_h]) for k in range(3)]
    z = sigmoid(K[0] @ x + b[0][0] + R[0] @ h + b[0][1])
    r = sigmoid(K[1] @ x + b[1][0] + R[1] @ h + b[1][1])
    if reset_after:
        h_tilde = np.tanh(K[2] @ x + b[2][0] + r * (R[2] @ h + b[2][1]))
    else:
        h_tilde = np.tanh(K[2] @ x + b[2][0] + R[2] @ (r * h))
    h_new = z * h + (1 - z) * h_tilde
    got, gates = gru_cell_forward(x[None], h[None], params, reset_after=reset_after)
    np.testing.assert_allclose(got[0], h_new, rtol=0, atol=1e-14)
    for name, value in (("update", z), ("reset", r), ("candidate", h_tilde)):
        np.testing.assert_allclose(gates[name][0], value, rtol=0, atol=1e-14)


@pytest.mark.parametrize("reset_after", [True, False])
def test_cell_forward_is_one_step_of_gru_forward(reset_after):
    params = init_gru_params(3, 5, seed=3, reset_after=reset_after)
    x, h0 = random_inputs(4, 6, 3, 5, seed=4)
    hs, cache = gru_forward(x, h0, params, reset_after=reset_after)
    assert set(cache) == {"x", "h0", "hs", "gates", "params", "reset_after"}
    assert set(cache["gates"]) == {"update", "reset", "candidate"}
    h = h0
    for t in range(6):
        h, gates = gru_cell_forward(x[:, t], h, params, reset_after=reset_after)
        np.testing.assert_allclose(h, hs[:, t], rtol=0, atol=1e-15)
        for name in gates:
            np.testing.assert_allclose(gates[name], cache["gates"][name][:, t], atol=1e-15)


def test_gates_set_open_recover_the_plain_rnn():
    # z = 0 (bias -40) and r = 1 (bias +40), reset_after=False: h<t> = h~<t> =
    # tanh(W_hh h<t-1> + W_hx x<t> + b_h) with the candidate block as the RNN's weights.
    n_x, n_h = 3, 5
    params = init_gru_params(n_x, n_h, seed=5, reset_after=False)
    params["bias"][:n_h] = -40.0
    params["bias"][n_h : 2 * n_h] = 40.0
    rnn_params = {
        "W_hh": params["recurrent_kernel"][:, 2 * n_h :].T,
        "W_hx": params["kernel"][:, 2 * n_h :].T,
        "b_h": params["bias"][2 * n_h :],
    }
    x, h0 = random_inputs(4, 9, n_x, n_h, seed=6)
    hs, cache = gru_forward(x, h0, params, reset_after=False)
    expected, _ = rnn_forward(x, h0, rnn_params)
    np.testing.assert_allclose(hs, expected, rtol=0, atol=1e-6)
    assert cache["gates"]["update"].max() < 1e-6 and cache["gates"]["reset"].min() > 1 - 1e-6


def test_closed_update_gate_copies_the_state():
    # z = 1 (bias +40): the GRU keeps h<0> unchanged, whatever the inputs.
    params = init_gru_params(2, 3, seed=7)
    params["bias"][0, :3] = 40.0
    x, h0 = random_inputs(2, 20, 2, 3, seed=8)
    hs, _ = gru_forward(x, h0, params)
    np.testing.assert_allclose(hs, np.repeat(h0[:, None], 20, axis=1), rtol=0, atol=1e-12)


@pytest.mark.parametrize("n_x,n_h", [(1, 1), (3, 5), (32, 64)])
@pytest.mark.parametrize("reset_after", [True, False])
def test_param_count_matches_keras_and_the_formula(n_x, n_h, reset_after):
    count = gru_param_count(n_x, n_h, reset_after=reset_after)
    assert count == 3 * (n_h * (n_h + n_x) + n_h) + (3 * n_h if reset_after else 0)
    for layer in (
        keras.layers.GRU(n_h, reset_after=reset_after),
        keras.layers.RNN(cells.GRUCell(n_h, reset_after=reset_after)),
    ):
        layer.build((None, None, n_x))
        assert layer.count_params() == count
    params = init_gru_params(n_x, n_h, reset_after=reset_after)
    assert sum(v.size for v in params.values()) == count


@pytest.mark.parametrize("reset_after", [True, False])
def test_params_from_keras_reads_every_kind_of_gru(reset_after):
    layer = keras.layers.GRU(4, reset_after=reset_after)
    layer.build((None, None, 3))
    cell = cells.GRUCell(4, reset_after=reset_after)
    rnn = keras.layers.RNN(cell)
    rnn.build((None, None, 3))
    for obj in (layer, layer.cell, rnn, cell):
        params = gru_params_from_keras(obj)
        assert check_gru_params(params, reset_after) == (3, 4)
        assert all(v.dtype == np.float64 for v in params.values())
    np.testing.assert_array_equal(gru_params_from_keras(layer)["kernel"], layer.get_weights()[0])


def test_errors():
    params = init_gru_params(3, 4)
    ok_h = np.zeros((2, 4))
    with pytest.raises(ValueError, match="Received: n_x=0"):
        init_gru_params(0, 4)
    with pytest.raises(ValueError, match="Received: n_h=True"):
        init_gru_params(3, True)
    with pytest.raises(ValueError, match="Received: reset_after='yes'"):
        init_gru_params(3, 4, reset_after="yes")
    with pytest.raises(ValueError, match="Received: reset_after=1"):
        gru_forward(np.zeros((2, 5, 3)), ok_h, params, reset_after=1)
    with pytest.raises(ValueError, match="Received: params=\\['kernel'\\]"):
        check_gru_params({"kernel": params["kernel"]})
    with pytest.raises(ValueError, match="Received: bias.shape=\\(2, 12\\), dtype=float64"):
        check_gru_params(params, reset_after=False)
    with pytest.raises(ValueError, match="Received: kernel.shape=\\(3, 10\\)"):
        check_gru_params({**params, "kernel": np.zeros((3, 10))})
    with pytest.raises(ValueError, match="recurrent_kernel.shape=\\(4, 15\\)"):
        check_gru_params({**params, "recurrent_kernel": np.zeros((4, 15))})
    with pytest.raises(ValueError, match="Received: x_t.shape=\\(2, 5\\)"):
        gru_cell_forward(np.zeros((2, 5)), ok_h, params)
    with pytest.raises(ValueError, match="h_prev.shape=\\(3, 4\\)"):
        gru_cell_forward(np.zeros((2, 3)), np.zeros((3, 4)), params)
    with pytest.raises(ValueError, match="Received: x.shape=\\(2, 0, 3\\)"):
        gru_forward(np.zeros((2, 0, 3)), ok_h, params)
    with pytest.raises(ValueError, match="Received: x.shape=\\(2, 5, 3\\), dtype=int64"):
        gru_forward(np.zeros((2, 5, 3), dtype=np.int64), ok_h, params)
    with pytest.raises(ValueError, match="Received: n_h=-1"):
        gru_param_count(3, -1)
    with pytest.raises(ValueError, match="Received: reset_after=None"):
        gru_param_count(3, 4, reset_after=None)
    with pytest.raises(ValueError, match="Received: layer_or_cell="):
        gru_params_from_keras(keras.layers.LSTM(3))
    with pytest.raises(ValueError, match="Received: layer_or_cell="):
        gru_params_from_keras(keras.layers.GRU(3))  # not built
    no_bias = keras.layers.GRU(3, use_bias=False)
    no_bias.build((None, None, 2))
    with pytest.raises(ValueError, match="Received: a cell with use_bias=False"):
        gru_params_from_keras(no_bias)
