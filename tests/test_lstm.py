"""Tests for seqcourse.lstm: the NumPy reference LSTM against keras.layers.LSTM and by hand."""

import keras
import numpy as np
import pytest

from seqcourse import cells
from seqcourse.lstm import (
    check_lstm_params,
    init_lstm_params,
    lstm_cell_forward,
    lstm_forward,
    lstm_param_count,
    lstm_params_from_keras,
)

SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (4, 7, 6, 2), (3, 12, 2, 16)]  # batch, time, n_x, n_h


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def keras_lstm(n_x, n_h, params, dtype="float32"):
    layer = keras.layers.LSTM(n_h, return_sequences=True, return_state=True, dtype=dtype)
    layer.build((None, None, n_x))
    layer.set_weights([params["kernel"], params["recurrent_kernel"], params["bias"]])
    return layer


def random_inputs(batch, time, n_x, n_h, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, time, n_x))
    return x, rng.normal(size=(batch, n_h)), rng.normal(size=(batch, n_h))


@pytest.mark.parametrize("batch,time,n_x,n_h", SHAPES)
@pytest.mark.parametrize("dtype,atol", [("float32", 1e-5), ("float64", 1e-12)])
def test_lstm_forward_matches_keras_lstm(batch, time, n_x, n_h, dtype, atol):
    params = init_lstm_params(n_x, n_h, seed=batch + time)
    x, h0, c0 = random_inputs(batch, time, n_x, n_h, seed=n_h)
    layer = keras_lstm(n_x, n_h, params, dtype=dtype)
    seq, h_T, c_T = (np.asarray(a) for a in layer(x.astype(dtype), initial_state=[h0, c0]))
    assert seq.dtype == dtype
    hs, cs, _ = lstm_forward(x, h0, c0, params)
    np.testing.assert_allclose(hs, seq, rtol=0, atol=atol)
    np.testing.assert_allclose(hs[:, -1], h_T, rtol=0, atol=atol)
    np.testing.assert_allclose(cs[:, -1], c_T, rtol=0, atol=atol)


def test_constant_initializers_match_keras_published_values():
    # The numbers of keras/src/layers/rnn/lstm_test.py::test_correctness (Keras 3), computed
    # there with kernel 0.01, recurrent kernel 0.02, bias 0.03 and unit_forget_bias (f bias 1).
    n_x, n_h = 4, 3
    bias = np.full(4 * n_h, 0.03)
    bias[n_h : 2 * n_h] = 1.0  # the forget block is set to ones, not added to
    params = {
        "kernel": np.full((n_x, 4 * n_h), 0.01),
        "recurrent_kernel": np.full((n_h, 4 * n_h), 0.02),
        "bias": bias,
    }
    x = np.arange(72, dtype=np.float64).reshape(3, 6, 4)
    zeros = np.zeros((3, n_h))
    hs, _, _ = lstm_forward(x, zeros, zeros, params)
    expected = np.repeat([[0.6288687], [0.86899155], [0.9460773]], 3, axis=1)
    # Keras computed them in float32 (inputs up to 71): agreement to 1e-5, as Keras asserts.
    np.testing.assert_allclose(hs[:, -1], expected, rtol=0, atol=1e-5)


def test_cell_matches_the_equations_for_one_column_vector():
    # Independent reference: the column-vector equations, weights W_gx = K_g.T, W_gh = R_g.T.
    n_x, n_h = 3, 4
    params = init_lstm_params(n_x, n_h, seed=1)
    rng = np.random.default_rng(2)
    x, h, c = rng.normal(size=n_x), rng.normal(size=n_h), rng.normal(size=n_h)

    def block(name, k):
        return params[name][..., k * n_h : (k + 1) * n_h]

    pre = [
        block("kernel", k).T @ x + block("recurrent_kernel", k).T @ h + block("bias", k)
        for k in range(4)
    ]
    i, f, c_tilde, o = sigmoid(pre[0]), sigmoid(pre[1]), np.tanh(pre[2]), sigmoid(pre[3])
    c_new = f * c + i * c_tilde
    h_new = o * np.tanh(c_new)
    got_h, got_c, gates = lstm_cell_forward(x[None], h[None], c[None], params)
    np.testing.assert_allclose(got_h[0], h_new, rtol=0, atol=1e-14)
    np.testing.assert_allclose(got_c[0], c_new, rtol=0, atol=1e-14)
    for name, value in (("input", i), ("forget", f), ("candidate", c_tilde), ("output", o)):
        np.testing.assert_allclose(gates[name][0], value, rtol=0, atol=1e-14)


@pytest.mark.parametrize("variant", ["standard", "peephole", "coupled"])
def test_cell_forward_is_one_step_of_lstm_forward(variant):
    params = init_lstm_params(3, 5, seed=3, variant=variant)
    x, h0, c0 = random_inputs(4, 6, 3, 5, seed=4)
    hs, cs, cache = lstm_forward(x, h0, c0, params, variant=variant)
    assert set(cache) == {"x", "h0", "c0", "hs", "cs", "gates", "params", "variant"}
    assert cache["hs"] is hs and cache["cs"] is cs and cache["variant"] == variant
    h, c = h0, c0
    for t in range(6):
        h, c, gates = lstm_cell_forward(x[:, t], h, c, params, variant=variant)
        np.testing.assert_allclose(h, hs[:, t], rtol=0, atol=1e-15)
        np.testing.assert_allclose(c, cs[:, t], rtol=0, atol=1e-15)
        assert set(gates) == set(cache["gates"])
        for name in gates:
            np.testing.assert_allclose(gates[name], cache["gates"][name][:, t], atol=1e-15)


def test_gate_keys_and_ranges():
    x, h0, c0 = random_inputs(2, 5, 3, 4, seed=5)
    _, _, cache = lstm_forward(x, h0, c0, init_lstm_params(3, 4, seed=6))
    assert set(cache["gates"]) == {"input", "forget", "candidate", "output"}
    params = init_lstm_params(3, 4, seed=6, variant="coupled")
    _, _, cache = lstm_forward(x, h0, c0, params, variant="coupled")
    gates = cache["gates"]
    assert set(gates) == {"update", "forget", "candidate", "output"} and "input" not in gates
    assert gates["forget"] is gates["update"]
    for name in ("update", "output"):
        assert np.all((gates[name] > 0) & (gates[name] < 1))
    assert np.all(np.abs(gates["candidate"]) < 1)


def test_peephole_with_zero_peepholes_is_the_standard_lstm():
    params = init_lstm_params(3, 5, seed=7, variant="peephole")
    for key in ("peephole_i", "peephole_f", "peephole_o"):
        params[key] = np.zeros(5)
    x, h0, c0 = random_inputs(2, 8, 3, 5, seed=8)
    hs_p, cs_p, _ = lstm_forward(x, h0, c0, params, variant="peephole")
    hs, cs, _ = lstm_forward(x, h0, c0, params)
    np.testing.assert_array_equal(hs_p, hs)
    np.testing.assert_array_equal(cs_p, cs)


def test_peephole_terms_enter_as_stated():
    # Only the peepholes and biases are nonzero, so every gate can be written by hand.
    n_h = 2
    p_i, p_f, p_o = np.array([0.5, -1.0]), np.array([2.0, 0.3]), np.array([-0.7, 1.5])
    b = np.array([0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.2, -0.1])
    params = {
        "kernel": np.zeros((1, 4 * n_h)),
        "recurrent_kernel": np.zeros((n_h, 4 * n_h)),
        "bias": b,
        "peephole_i": p_i,
        "peephole_f": p_f,
        "peephole_o": p_o,
    }
    c_prev = np.array([[0.8, -1.2]])
    i = sigmoid(b[0:2] + p_i * c_prev)
    f = sigmoid(b[2:4] + p_f * c_prev)
    c = f * c_prev + i * np.tanh(b[4:6])
    o = sigmoid(b[6:8] + p_o * c)  # the output gate sees the NEW cell state
    h, c_got, _ = lstm_cell_forward(np.ones((1, 1)), np.ones((1, n_h)), c_prev, params, "peephole")
    np.testing.assert_allclose(c_got, c, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h, o * np.tanh(c), rtol=0, atol=1e-15)


def test_coupled_hand_set_weights():
    # Zero weights; biases chosen so that G_u = sigmoid(log 3) = 3/4, C~ = 1/2, o = 1/2.
    params = {
        "kernel": np.zeros((1, 3)),
        "recurrent_kernel": np.zeros((1, 3)),
        "bias": np.array([np.log(3.0), np.arctanh(0.5), 0.0]),
    }
    h, c, gates = lstm_cell_forward(
        np.ones((1, 1)), np.ones((1, 1)), np.ones((1, 1)), params, "coupled"
    )
    # C<1> = 3/4 * 1 + (1 - 3/4) * 1/2 = 7/8,  h<1> = 1/2 * tanh(7/8)
    np.testing.assert_allclose(gates["update"], [[0.75]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(c, [[0.875]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(h, [[0.5 * np.tanh(0.875)]], rtol=0, atol=1e-15)


def test_coupled_equals_standard_with_input_gate_minus_forget_gate():
    # sigmoid(-z) = 1 - sigmoid(z): a standard LSTM whose input-gate block is minus its
    # forget-gate block is the coupled LSTM.
    n_x, n_h = 3, 4
    coupled = init_lstm_params(n_x, n_h, seed=9, variant="coupled")
    standard = {}
    for key, value in coupled.items():
        f, c, o = np.split(value, 3, axis=-1)
        standard[key] = np.concatenate([-f, f, c, o], axis=-1)
    x, h0, c0 = random_inputs(3, 7, n_x, n_h, seed=10)
    hs_c, cs_c, _ = lstm_forward(x, h0, c0, coupled, variant="coupled")
    hs_s, cs_s, _ = lstm_forward(x, h0, c0, standard)
    np.testing.assert_allclose(hs_c, hs_s, rtol=0, atol=1e-14)
    np.testing.assert_allclose(cs_c, cs_s, rtol=0, atol=1e-14)


@pytest.mark.parametrize("n_x,n_h", [(1, 1), (3, 5), (32, 64)])
@pytest.mark.parametrize("variant", ["standard", "peephole", "coupled"])
def test_param_count_matches_keras_and_the_formula(n_x, n_h, variant):
    rnn = keras.layers.RNN(cells.LSTMCell(n_h, variant=variant))
    rnn.build((None, None, n_x))
    count = lstm_param_count(n_x, n_h, variant)
    formula = {"standard": 4, "peephole": 4, "coupled": 3}[variant] * (n_h * (n_h + n_x) + n_h)
    assert count == rnn.count_params() == formula + (3 * n_h if variant == "peephole" else 0)
    assert sum(v.size for v in init_lstm_params(n_x, n_h, variant=variant).values()) == count
    if variant == "standard":
        layer = keras.layers.LSTM(n_h)
        layer.build((None, None, n_x))
        assert layer.count_params() == count


@pytest.mark.parametrize("variant", ["standard", "peephole", "coupled"])
def test_params_from_keras_reads_every_kind_of_lstm(variant):
    cell = cells.LSTMCell(4, variant=variant, peephole_initializer="ones")
    rnn = keras.layers.RNN(cell)
    rnn.build((None, None, 3))
    for obj in (rnn, cell):
        params = lstm_params_from_keras(obj)
        assert check_lstm_params(params, variant) == (3, 4)
        assert all(v.dtype == np.float64 for v in params.values())
        np.testing.assert_array_equal(params["kernel"], np.asarray(cell.kernel))
    if variant == "peephole":
        np.testing.assert_array_equal(params["peephole_f"], np.ones(4))
    layer = keras.layers.LSTM(4)
    layer.build((None, None, 3))
    for obj in (layer, layer.cell):
        np.testing.assert_array_equal(lstm_params_from_keras(obj)["bias"], layer.get_weights()[2])


def test_init_dtype_and_shapes():
    params = init_lstm_params(3, 5, dtype=np.float32, variant="peephole")
    assert {k: v.shape for k, v in params.items()} == {
        "kernel": (3, 20),
        "recurrent_kernel": (5, 20),
        "bias": (20,),
        "peephole_i": (5,),
        "peephole_f": (5,),
        "peephole_o": (5,),
    }
    assert all(v.dtype == np.float32 for v in params.values())
    x, h0, c0 = (a.astype(np.float32) for a in random_inputs(2, 3, 3, 5, seed=0))
    hs, cs, _ = lstm_forward(x, h0, c0, params, variant="peephole")
    assert hs.dtype == cs.dtype == np.float32


def test_errors():
    params = init_lstm_params(3, 4)
    ok_x, ok_h = np.zeros((2, 3)), np.zeros((2, 4))
    with pytest.raises(ValueError, match="Received: n_x=0"):
        init_lstm_params(0, 4)
    with pytest.raises(ValueError, match="Received: n_h=2.5"):
        init_lstm_params(3, 2.5)
    with pytest.raises(ValueError, match="Received: variant='gru'"):
        init_lstm_params(3, 4, variant="gru")
    with pytest.raises(ValueError, match="Received: variant='gru'"):
        lstm_forward(np.zeros((2, 5, 3)), ok_h, ok_h, params, variant="gru")
    with pytest.raises(ValueError, match="Received: params=\\['bias', 'kernel'\\]"):
        check_lstm_params({"kernel": params["kernel"], "bias": params["bias"]})
    with pytest.raises(ValueError, match="Received: params=list"):
        check_lstm_params([1, 2, 3])
    with pytest.raises(ValueError, match="peephole_i"):
        check_lstm_params(params, variant="peephole")
    with pytest.raises(ValueError, match="Received: kernel.shape=\\(3, 16\\)"):
        check_lstm_params(params, variant="coupled")
    with pytest.raises(ValueError, match="Received: kernel.shape=\\(3,\\), dtype=float64"):
        check_lstm_params({**params, "kernel": np.zeros(3)})
    with pytest.raises(ValueError, match="dtype=int64"):
        check_lstm_params({**params, "bias": np.zeros(16, dtype=np.int64)})
    peep = init_lstm_params(3, 4, variant="peephole")
    with pytest.raises(ValueError, match="Received: peephole_o.shape=\\(5,\\)"):
        check_lstm_params({**peep, "peephole_o": np.zeros(5)}, variant="peephole")
    with pytest.raises(ValueError, match="Received: x_t.shape=\\(2, 5\\)"):
        lstm_cell_forward(np.zeros((2, 5)), ok_h, ok_h, params)
    with pytest.raises(ValueError, match="c_prev.shape=\\(3, 4\\)"):
        lstm_cell_forward(ok_x, ok_h, np.zeros((3, 4)), params)
    with pytest.raises(ValueError, match="Received: x.shape=\\(2, 3\\)"):
        lstm_forward(ok_x, ok_h, ok_h, params)
    with pytest.raises(ValueError, match="Received: x.shape=\\(2, 0, 3\\)"):
        lstm_forward(np.zeros((2, 0, 3)), ok_h, ok_h, params)
    with pytest.raises(ValueError, match="h0.shape=\\(2, 5\\)"):
        lstm_forward(np.zeros((2, 5, 3)), np.zeros((2, 5)), ok_h, params)
    with pytest.raises(ValueError, match="Received: n_h=0"):
        lstm_param_count(3, 0)
    with pytest.raises(ValueError, match="Received: variant='x'"):
        lstm_param_count(3, 4, variant="x")
    with pytest.raises(ValueError, match="Received: layer_or_cell="):
        lstm_params_from_keras(keras.layers.GRU(3))
    unbuilt = keras.layers.LSTM(3)
    with pytest.raises(ValueError, match="Received: layer_or_cell="):
        lstm_params_from_keras(unbuilt)
    no_bias = keras.layers.LSTM(3, use_bias=False)
    no_bias.build((None, None, 2))
    with pytest.raises(ValueError, match="Received: a cell with use_bias=False"):
        lstm_params_from_keras(no_bias)
