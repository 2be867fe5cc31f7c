from otter.test_files import test_case

OK_FORMAT = False

name = "rnn_backward"
points = 3


@test_case(points=None, hidden=False)
def test_rnn_backward_shapes_and_one_step(rnn_backward, rnn_cell_backward):
    import numpy as np

    rng = np.random.default_rng(3)
    W_hh, W_hx, b_h = (rng.normal(size=(4, 4)), rng.normal(size=(4, 3)), rng.normal(size=4))
    x, h0 = (rng.normal(size=(2, 1, 3)), rng.uniform(-1, 1, (2, 4)))
    hs = np.tanh(h0 @ W_hh.T + x[:, 0] @ W_hx.T + b_h)[:, None]
    dhs = rng.normal(size=(2, 1, 4))
    g = rnn_backward(dhs, x, h0, hs, W_hh, W_hx)
    assert isinstance(g, dict), f"expected a dict of gradients, got {type(g).__name__}"
    expected = {"W_hh": (4, 4), "W_hx": (4, 3), "b_h": (4,), "x": (2, 1, 3), "h0": (2, 4)}
    for key, shape in expected.items():
        assert key in g, f"missing gradient {key!r}; expected keys {sorted(expected)}"
        got = np.shape(g[key])
        assert got == shape, f"expected shape {shape} for gradient {key!r}, got {got}"
    da = dhs[:, 0] * (1 - hs[:, 0] ** 2)
    np.testing.assert_allclose(
        g["W_hx"],
        da.T @ x[:, 0],
        rtol=1e-07,
        err_msg="with one time step, dW_hx should be the one step's gradient",
    )
