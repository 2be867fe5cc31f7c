from otter.test_files import test_case

OK_FORMAT = False

name = "rnn_forward"
points = 2


@test_case(points=None, hidden=False)
def test_rnn_forward_shape_and_first_step(rnn_forward):
    import numpy as np

    rng = np.random.default_rng(3)
    W_hh, W_hx, b_h = (rng.normal(size=(5, 5)), rng.normal(size=(5, 3)), rng.normal(size=5))
    x = rng.normal(size=(2, 7, 3))
    hs = np.asarray(rnn_forward(x, np.zeros((2, 5)), W_hh, W_hx, b_h))
    assert hs.shape == (2, 7, 5), f"expected shape (2, 7, 5) = (batch, time, n_h), got {hs.shape}"
    np.testing.assert_allclose(
        hs[:, 0],
        np.tanh(x[:, 0] @ W_hx.T + b_h),
        rtol=1e-06,
        atol=1e-09,
        err_msg="hs[:, 0] should be h<1> = tanh(x<1> @ W_hx.T + b_h) from h0 = 0",
    )
