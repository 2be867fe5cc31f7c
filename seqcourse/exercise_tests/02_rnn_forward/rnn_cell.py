from otter.test_files import test_case

OK_FORMAT = False

name = "rnn_cell"
points = 2


@test_case(points=None, hidden=False)
def test_rnn_cell_shape_and_zero_state(rnn_cell_forward):
    import numpy as np

    rng = np.random.default_rng(1)
    W_hh, W_hx, b_h = (rng.normal(size=(5, 5)), rng.normal(size=(5, 3)), rng.normal(size=5))
    x_t = rng.normal(size=(4, 3))
    h = np.asarray(rnn_cell_forward(x_t, np.zeros((4, 5)), W_hh, W_hx, b_h))
    assert h.shape == (4, 5), f"expected shape (4, 5) = (batch, n_h), got {h.shape}"
    np.testing.assert_allclose(
        h,
        np.tanh(x_t @ W_hx.T + b_h),
        rtol=1e-06,
        atol=1e-09,
        err_msg="with h_prev = 0, expected tanh(x_t @ W_hx.T + b_h)",
    )
