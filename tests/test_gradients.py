"""Tests for seqcourse.gradients: spectral radius, Jacobian norms, per-step gradient norms."""

import keras
import numpy as np
import pytest

from seqcourse.gradients import jacobian_norms, matrix_with_spectral_radius, state_gradient_norms
from seqcourse.rnn import init_rnn_params, params_from_keras, rnn_forward


@pytest.mark.parametrize("kind", ["orthogonal", "random"])
@pytest.mark.parametrize("radius", [0.5, 1.0, 3.0])
def test_spectral_radius(kind, radius):
    W = matrix_with_spectral_radius(12, radius, seed=3, kind=kind)
    assert W.shape == (12, 12)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(W)).max(), radius, rtol=1e-10)


def test_orthogonal_kind_has_equal_singular_values():
    W = matrix_with_spectral_radius(10, 1.1, seed=0)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), 1.1, rtol=1e-12)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(W)), 1.1, rtol=1e-10)


def test_seed_makes_it_reproducible():
    np.testing.assert_array_equal(
        matrix_with_spectral_radius(5, 1.0, seed=7), matrix_with_spectral_radius(5, 1.0, seed=7)
    )
    assert not np.allclose(
        matrix_with_spectral_radius(5, 1.0, seed=7), matrix_with_spectral_radius(5, 1.0, seed=8)
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n=0, radius=1.0), "`n` must be a positive integer"),
        (dict(n=2.0, radius=1.0), "`n` must be a positive integer"),
        (dict(n=3, radius=-1.0), "`radius` must be a number >= 0"),
        (dict(n=3, radius="1"), "`radius` must be a number >= 0"),
        (dict(n=3, radius=1.0, kind="gaussian"), "`kind` must be"),
    ],
)
def test_matrix_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        matrix_with_spectral_radius(**kwargs)


def _params(n_h=6, n_x=3, radius=1.1, seed=0):
    params = init_rnn_params(n_x, n_h, seed=seed)
    params["W_hh"] = matrix_with_spectral_radius(n_h, radius, seed=seed, kind="random")
    return params


def _numpy_jacobians(params, x, activation):
    """dh<T>/dh<T-d> for d = 1..T as explicit products of per-step Jacobians (NumPy)."""
    W, T = params["W_hh"], x.shape[0]
    h, pre = np.zeros(W.shape[0]), []
    for t in range(T):
        a = W @ h + params["W_hx"] @ x[t] + params["b_h"]
        pre.append(a)
        h = {"linear": a, "tanh": np.tanh(a), "relu": np.maximum(a, 0)}[activation]
    deriv = {
        "linear": lambda a: np.ones_like(a),
        "tanh": lambda a: 1 - np.tanh(a) ** 2,
        "relu": lambda a: (a > 0).astype(float),
    }[activation]
    jac, out = np.eye(W.shape[0]), []
    for t in reversed(range(T)):
        jac = jac @ (deriv(pre[t])[:, None] * W)
        out.append(jac)
    return out


def test_linear_case_is_the_matrix_power():
    params = _params()
    x = np.random.default_rng(1).standard_normal((15, 3))
    norms = jacobian_norms(params, x, activation="linear")
    powers = [np.linalg.norm(np.linalg.matrix_power(params["W_hh"], d), 2) for d in range(1, 16)]
    np.testing.assert_allclose(norms, powers, rtol=1e-10)


@pytest.mark.parametrize("activation", ["linear", "tanh", "relu"])
@pytest.mark.parametrize("ord", [2, "fro"])
def test_matches_numpy_product_of_step_jacobians(activation, ord):
    params = _params(radius=1.3)
    x = np.random.default_rng(2).standard_normal((10, 3))
    expected = [np.linalg.norm(j, ord) for j in _numpy_jacobians(params, x, activation)]
    np.testing.assert_allclose(
        jacobian_norms(params, x, activation=activation, ord=ord), expected, rtol=1e-10
    )


def test_tanh_numpy_reference_agrees_with_rnn_forward():
    # The NumPy reference above runs the same recurrence as seqcourse.rnn.rnn_forward.
    params = _params()
    x = np.random.default_rng(3).standard_normal((8, 3))
    hs, _ = rnn_forward(x[None], np.zeros((1, 6)), params)
    h = np.zeros(6)
    for t in range(8):
        h = np.tanh(params["W_hh"] @ h + params["W_hx"] @ x[t] + params["b_h"])
    np.testing.assert_allclose(hs[0, -1], h, rtol=1e-12)


def test_tanh_jacobian_against_central_differences():
    params = _params(radius=1.2)
    x = np.random.default_rng(4).standard_normal((6, 3))
    h0 = np.random.default_rng(5).standard_normal(6) * 0.3

    def last_state(h_start):
        h = h_start
        for t in range(6):
            h = np.tanh(params["W_hh"] @ h + params["W_hx"] @ x[t] + params["b_h"])
        return h

    eps = 1e-6
    numeric = np.stack(
        [(last_state(h0 + eps * e) - last_state(h0 - eps * e)) / (2 * eps) for e in np.eye(6)],
        axis=1,
    )
    # Distance T = 6 is the Jacobian with respect to h<0>.
    got = jacobian_norms(params, x, h0=h0, activation="tanh", ord="fro")[-1]
    np.testing.assert_allclose(got, np.linalg.norm(numeric, "fro"), rtol=1e-7)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(activation="sigmoid"), "`activation` must be one of"),
        (dict(ord=1), '`ord` must be 2 or "fro"'),
        (dict(x=np.zeros((4, 2))), r"`x` must have shape \(time >= 1, 3\)"),
        (dict(x=np.zeros((4, 3, 1))), "`x` must be a 2-D float array"),
        (dict(h0=np.zeros(5)), r"`h0` must have shape \(6,\)"),
        (dict(params={"W_hh": np.eye(2)}), "`params` must be a dict"),
    ],
)
def test_jacobian_norms_errors(kwargs, message):
    args = dict(params=_params(), x=np.zeros((4, 3)))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        jacobian_norms(**args)


def _layer(n_x=3, n_h=5):
    keras.utils.set_random_seed(0)
    layer = keras.layers.SimpleRNN(n_h, dtype="float64")
    layer(np.zeros((1, 4, n_x)))
    return layer


def test_state_gradient_norms_against_numpy():
    layer = _layer()
    params = params_from_keras(layer)
    x = np.random.default_rng(6).standard_normal((2, 7, 3))
    v = np.random.default_rng(7).standard_normal(5)
    norms = state_gradient_norms(layer, x, lambda hs: keras.ops.sum(hs[-1] * v, axis=1))
    # dL/dh<t> = J(T, t)^T v with J(T, t) = dh<T>/dh<t>; state h<t> is at distance T - t.
    expected = []
    for i in range(2):
        jacs = _numpy_jacobians(params, x[i], "tanh")  # distances 1..T: wrt h<T-1>..h<0>
        per_t = [np.linalg.norm(v)] + [np.linalg.norm(j.T @ v) for j in jacs[:-1]]
        expected.append(per_t[::-1])  # t = 1..T
    np.testing.assert_allclose(norms, np.mean(expected, axis=0), rtol=1e-10)


def test_state_gradient_unrolling_matches_the_layer():
    layer = _layer()
    x = np.random.default_rng(8).standard_normal((2, 7, 3))
    hs, _ = rnn_forward(x, np.zeros((2, 5)), params_from_keras(layer))
    np.testing.assert_allclose(np.asarray(layer(x)), hs[:, -1], rtol=1e-10)
    # A loss on the first state only: later states get no gradient.
    norms = state_gradient_norms(layer, x, lambda hs: keras.ops.sum(hs[0], axis=1))
    assert norms[0] > 0 and np.all(norms[1:] == 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(layer=keras.layers.Dense(3)), "`layer` must be a built keras.layers.SimpleRNN"),
        (dict(inputs=np.zeros((2, 3))), r"`inputs` must have shape \(batch, time >= 1, n_x\)"),
        (dict(loss_fn=3), "`loss_fn` must be callable"),
        (dict(loss_fn=lambda hs: keras.ops.sum(hs[-1])), "`loss_fn` must return per-example"),
    ],
)
def test_state_gradient_norms_errors(kwargs, message):
    args = dict(
        layer=_layer(),
        inputs=np.zeros((2, 4, 3)),
        loss_fn=lambda hs: keras.ops.sum(hs[-1], axis=1),
    )
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        state_gradient_norms(**args)
