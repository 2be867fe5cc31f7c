from otter.test_files import test_case

OK_FORMAT = False

name = "cell_backward"
points = 3


@test_case(points=None, hidden=False)
def test_cell_backward_shapes_and_bias(rnn_cell_backward):
    import numpy as np

    rng = np.random.default_rng(1)
    W_hh, W_hx, b_h = (rng.normal(size=(4, 4)), rng.normal(size=(4, 3)), rng.normal(size=4))
    x_t, h_prev, dh_t = (
        rng.normal(size=(2, 3)),
        rng.uniform(-1, 1, (2, 4)),
        rng.normal(size=(2, 4)),
    )
    h_t = np.tanh(h_prev @ W_hh.T + x_t @ W_hx.T + b_h)
    g = rnn_cell_backward(dh_t, x_t, h_prev, h_t, W_hh, W_hx)
    assert isinstance(g, dict), f"expected a dict of gradients, got {type(g).__name__}"
    expected = {"x_t": (2, 3), "h_prev": (2, 4), "W_hh": (4, 4), "W_hx": (4, 3), "b_h": (4,)}
    for key, shape in expected.items():
        assert key in g, f"missing gradient {key!r}; expected keys {sorted(expected)}"
        got = np.shape(g[key])
        assert got == shape, f"expected shape {shape} for gradient {key!r}, got {got}"
    np.testing.assert_allclose(
        g["b_h"],
        (dh_t * (1 - h_t**2)).sum(0),
        rtol=1e-07,
        err_msg="db_h should be the sum over the batch of dh_t * (1 - h_t**2)",
    )
