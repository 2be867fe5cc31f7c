from otter.test_files import test_case

OK_FORMAT = False

name = "bidirectional"
points = 2


@test_case(points=None, hidden=False)
def test_bidirectional_shape_and_forward_half(bidirectional_forward):
    import numpy as np

    assert callable(bidirectional_forward), "define a function named bidirectional_forward"

    def step(x_t, h_prev, params):
        return np.tanh(x_t @ params["W_x"] + h_prev @ params["W_h"])

    rng = np.random.default_rng(4)
    x, h0 = (rng.standard_normal((2, 5, 3)), np.zeros((2, 4)))
    pf = {"W_x": rng.standard_normal((3, 4)), "W_h": rng.standard_normal((4, 4))}
    pb = {"W_x": rng.standard_normal((3, 4)), "W_h": rng.standard_normal((4, 4))}
    out = bidirectional_forward(x, h0, step, pf, pb)
    assert out is not None, "bidirectional_forward returned None: replace the ... with your code"
    out = np.asarray(out)
    assert out.shape == (2, 5, 8), (
        f"expected shape (batch, time, 2 n_h) = (2, 5, 8), got {out.shape}"
    )
    h = h0
    for t in range(5):
        h = step(x[:, t], h, pf)
        np.testing.assert_allclose(
            out[:, t, :4],
            h,
            atol=1e-12,
            err_msg=f"out[:, {t}, :n_h] should be the forward state after reading x[:, :{t + 1}]",
        )
