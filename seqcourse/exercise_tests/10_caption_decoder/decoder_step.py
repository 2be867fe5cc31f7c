from otter.test_files import test_case

OK_FORMAT = False

name = "decoder_step"
points = 3


@test_case(points=None, hidden=False)
def test_decoder_step_shape_no_image(decoder_step):
    import numpy as np

    assert callable(decoder_step), "define a function named decoder_step"
    rng = np.random.default_rng(0)
    x_t, h_prev, v = (rng.standard_normal((2, 3)), np.zeros((2, 4)), np.zeros((2, 5)))
    W_hx, W_hh, W_hv, b_h = (
        rng.standard_normal((4, 3)),
        rng.standard_normal((4, 4)),
        rng.standard_normal((4, 5)),
        rng.standard_normal(4),
    )
    h = decoder_step(x_t, h_prev, v, W_hx, W_hh, W_hv, b_h)
    assert h is not None, "decoder_step returned None: replace the ... with your code"
    h = np.asarray(h)
    assert h.shape == (2, 4), f"expected h_t of shape (batch, n_h) = (2, 4), got {h.shape}"
    np.testing.assert_allclose(
        h,
        np.tanh(x_t @ W_hx.T + b_h),
        rtol=1e-10,
        err_msg="h_prev = 0 and v = 0: expected tanh(W_hx x_t + b_h), batch-first x_t @ W_hx.T",
    )
