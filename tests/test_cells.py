"""Tests for seqcourse.cells: our Keras LSTM/GRU cells against Keras's built-in layers."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqcourse.cells import GRUCell, LSTMCell
from seqcourse.gru import gru_forward, gru_params_from_keras
from seqcourse.lstm import init_lstm_params, lstm_forward, lstm_params_from_keras

SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (4, 9, 6, 8)]  # batch, time, n_x, n_h


def ours(cell, n_x, dtype="float32"):
    rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True, dtype=dtype)
    rnn.build((None, None, n_x))
    return rnn


def builtin(kind, n_h, n_x, dtype="float32", **kwargs):
    layer = getattr(keras.layers, kind)(
        n_h, return_sequences=True, return_state=True, dtype=dtype, **kwargs
    )
    layer.build((None, None, n_x))
    # Random, nonzero biases so that every term of the equations matters.
    weights = layer.get_weights()
    weights[-1] = np.random.default_rng(n_h).normal(size=weights[-1].shape)
    layer.set_weights(weights)
    return layer


def inputs(batch, time, n_x, n_h, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, time, n_x)).astype(dtype)
    return (
        x,
        rng.normal(size=(batch, n_h)).astype(dtype),
        rng.normal(size=(batch, n_h)).astype(dtype),
    )


def as_numpy(tensors):
    return [np.asarray(t) for t in tensors]


@pytest.mark.parametrize("batch,time,n_x,n_h", SHAPES)
@pytest.mark.parametrize("dtype,atol", [("float32", 1e-5), ("float64", 1e-12)])
def test_lstm_cell_matches_keras_lstm(batch, time, n_x, n_h, dtype, atol):
    reference = builtin("LSTM", n_h, n_x, dtype)
    rnn = ours(LSTMCell(n_h, dtype=dtype), n_x, dtype)
    rnn.set_weights(reference.get_weights())  # same names, same layout
    x, h0, c0 = inputs(batch, time, n_x, n_h, dtype)
    expected = as_numpy(reference(x, initial_state=[h0, c0]))
    got = as_numpy(rnn(x, initial_state=[h0, c0]))
    assert got[0].dtype == dtype and len(got) == 3
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


@pytest.mark.parametrize("batch,time,n_x,n_h", SHAPES)
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("dtype,atol", [("float32", 1e-5), ("float64", 1e-12)])
def test_gru_cell_matches_keras_gru(batch, time, n_x, n_h, reset_after, dtype, atol):
    reference = builtin("GRU", n_h, n_x, dtype, reset_after=reset_after)
    rnn = ours(GRUCell(n_h, reset_after=reset_after, dtype=dtype), n_x, dtype)
    rnn.set_weights(reference.get_weights())
    x, h0, _ = inputs(batch, time, n_x, n_h, dtype)
    expected = as_numpy(reference(x, initial_state=[h0]))
    got = as_numpy(rnn(x, initial_state=[h0]))
    assert got[0].dtype == dtype and len(got) == 2
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


@pytest.mark.parametrize("variant", ["standard", "peephole", "coupled"])
@pytest.mark.parametrize("dtype,atol", [("float32", 1e-5), ("float64", 1e-12)])
def test_lstm_cell_variants_match_the_numpy_reference(variant, dtype, atol):
    n_x, n_h = 3, 5
    rnn = ours(LSTMCell(n_h, variant=variant, dtype=dtype), n_x, dtype)
    params = init_lstm_params(n_x, n_h, seed=1, variant=variant)
    rnn.set_weights([params[w.name] for w in rnn.weights])
    x, h0, c0 = inputs(4, 7, n_x, n_h, dtype, seed=2)
    seq, h_T, c_T = as_numpy(rnn(x, initial_state=[h0, c0]))
    hs, cs, _ = lstm_forward(x.astype(np.float64), h0, c0, params, variant=variant)
    np.testing.assert_allclose(seq, hs, rtol=0, atol=atol)
    np.testing.assert_allclose(h_T, hs[:, -1], rtol=0, atol=atol)
    np.testing.assert_allclose(c_T, cs[:, -1], rtol=0, atol=atol)
    back = lstm_params_from_keras(rnn)
    for key, value in params.items():
        np.testing.assert_allclose(back[key], value, rtol=0, atol=1e-7)


def test_peephole_cell_starts_as_the_standard_lstm():
    # Peephole weights are initialized to zeros: the cell then equals keras.layers.LSTM.
    reference = builtin("LSTM", 4, 3)
    rnn = ours(LSTMCell(4, variant="peephole"), 3)
    assert [w.name for w in rnn.weights][3:] == ["peephole_i", "peephole_f", "peephole_o"]
    rnn.set_weights(reference.get_weights() + [np.zeros(4)] * 3)
    x, h0, c0 = inputs(2, 6, 3, 4, seed=3)
    for a, b in zip(as_numpy(rnn(x)), as_numpy(reference(x)), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_coupled_cell_with_hand_set_weights():
    # Zero kernels, biases (log 3, artanh 1/2, 0): G_u = 3/4, C~ = 1/2, o = 1/2. From C<0> = 1:
    # C<1> = 3/4 + 1/4 * 1/2 = 7/8 and h<1> = tanh(7/8) / 2.
    cell = LSTMCell(
        1,
        variant="coupled",
        kernel_initializer="zeros",
        recurrent_initializer="zeros",
        unit_forget_bias=False,
        bias_initializer=keras.initializers.Constant(np.array([np.log(3.0), np.arctanh(0.5), 0.0])),
        dtype="float64",
    )
    rnn = ours(cell, 1, "float64")
    _, h, c = as_numpy(rnn(np.ones((1, 1, 1)), initial_state=[np.zeros((1, 1)), np.ones((1, 1))]))
    np.testing.assert_allclose(c, [[0.875]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(h, [[np.tanh(0.875) / 2]], rtol=0, atol=1e-15)


def test_constant_initializers_match_keras_published_values():
    # keras/src/layers/rnn/{lstm,gru}_test.py::test_correctness (Keras 3, float32).
    x = np.arange(72).reshape((3, 6, 4)).astype("float32")
    constants = {
        "kernel_initializer": keras.initializers.Constant(0.01),
        "recurrent_initializer": keras.initializers.Constant(0.02),
        "bias_initializer": keras.initializers.Constant(0.03),
    }
    lstm = keras.layers.RNN(LSTMCell(3, **constants))
    gru = keras.layers.RNN(GRUCell(3, **constants))
    np.testing.assert_allclose(
        np.asarray(lstm(x)), np.repeat([[0.6288687], [0.86899155], [0.9460773]], 3, 1), atol=1e-5
    )
    np.testing.assert_allclose(
        np.asarray(gru(x)), np.repeat([[0.5217289], [0.6371659], [0.39384964]], 3, 1), atol=1e-5
    )


def test_unit_forget_bias():
    for variant, block in (("standard", 1), ("peephole", 1), ("coupled", 0)):
        rnn = ours(LSTMCell(2, variant=variant), 3)
        bias = rnn.cell.bias.numpy()
        expected = np.zeros_like(bias)
        expected[2 * block : 2 * block + 2] = 1.0
        np.testing.assert_array_equal(bias, expected)
    rnn = ours(LSTMCell(2, unit_forget_bias=False), 3)
    np.testing.assert_array_equal(rnn.cell.bias.numpy(), np.zeros(8))


@pytest.mark.parametrize(
    "make_cell,kind,kwargs",
    [
        (lambda: LSTMCell(6), "LSTM", {}),
        (lambda: GRUCell(6), "GRU", {}),
        (lambda: GRUCell(6, reset_after=False), "GRU", {"reset_after": False}),
    ],
)
def test_gradients_match_keras_builtins(make_cell, kind, kwargs):
    reference = builtin(kind, 6, 4, **kwargs)
    rnn = ours(make_cell(), 4)
    rnn.set_weights(reference.get_weights())
    x = tf.constant(inputs(3, 8, 4, 6, seed=4)[0])
    target = tf.constant(np.random.default_rng(5).normal(size=(3, 8, 6)).astype("float32"))

    def grads(layer):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum((layer(x)[0] - target) ** 2)
        return tape.gradient(loss, [x] + [w.value for w in layer.trainable_weights])

    for a, b in zip(grads(rnn), grads(reference), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=0, atol=1e-5)


# Keras's own .keras saving reads its variables with np.array(...), which NumPy 2 flags.
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
@pytest.mark.parametrize(
    "cell",
    [
        LSTMCell(3, variant="peephole", peephole_initializer="ones", name="peep"),
        LSTMCell(3, variant="coupled", activation="relu"),
        GRUCell(3, reset_after=False, recurrent_activation="hard_sigmoid"),
    ],
    ids=["peephole", "coupled", "gru"],
)
def test_serialization_round_trip(cell, tmp_path):
    rnn = keras.layers.RNN(cell, return_sequences=True)
    x = inputs(2, 5, 4, 3, seed=6)[0]
    expected = np.asarray(rnn(x))
    config = keras.layers.serialize(rnn)
    assert keras.saving.get_registered_name(type(cell)) == f"seqcourse>{type(cell).__name__}"
    clone = keras.layers.deserialize(config)
    assert type(clone.cell) is type(cell) and clone.cell.get_config() == cell.get_config()
    clone.build((None, None, 4))
    clone.set_weights(rnn.get_weights())
    np.testing.assert_array_equal(np.asarray(clone(x)), expected)

    model = keras.Sequential([keras.Input((None, 4)), rnn])
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(np.asarray(loaded(x)), expected)


@pytest.mark.parametrize("cell", [LSTMCell(3, variant="coupled"), GRUCell(3)], ids=["lstm", "gru"])
def test_works_inside_bidirectional(cell):
    layer = keras.layers.Bidirectional(keras.layers.RNN(cell, return_sequences=True))
    x = inputs(2, 5, 4, 3, seed=7)[0]
    out = np.asarray(layer(x))
    assert out.shape == (2, 5, 6)
    # The backward half is the forward cell run on the reversed sequence.
    backward = layer.backward_layer
    if isinstance(cell, GRUCell):
        params = gru_params_from_keras(backward)
        hs, _ = gru_forward(x[:, ::-1].astype(np.float64), np.zeros((2, 3)), params)
    else:
        params = lstm_params_from_keras(backward)
        z = np.zeros((2, 3))
        hs, _, _ = lstm_forward(x[:, ::-1].astype(np.float64), z, z, params, variant="coupled")
    np.testing.assert_allclose(out[:, :, 3:], hs[:, ::-1], rtol=0, atol=1e-5)


def test_trains_in_a_model():
    # A few steps of Adam reduce the loss: gradients flow through every weight.
    keras.utils.set_random_seed(0)
    x, _, _ = inputs(16, 6, 2, 4, seed=8)
    y = x.sum(axis=(1, 2))[:, None]
    for cell in (LSTMCell(4, variant="peephole"), GRUCell(4)):
        model = keras.Sequential(
            [keras.Input((6, 2)), keras.layers.RNN(cell), keras.layers.Dense(1)]
        )
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
        first = model.train_on_batch(x, y)
        for _ in range(30):
            last = model.train_on_batch(x, y)
        assert last < 0.5 * first


def test_errors():
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match=f"Received: units={bad!r}"):
            LSTMCell(bad)
        with pytest.raises(ValueError, match=f"Received: units={bad!r}"):
            GRUCell(bad)
    with pytest.raises(ValueError, match="Received: variant='gru'"):
        LSTMCell(3, variant="gru")
    with pytest.raises(ValueError, match="Received: reset_after='no'"):
        GRUCell(3, reset_after="no")
