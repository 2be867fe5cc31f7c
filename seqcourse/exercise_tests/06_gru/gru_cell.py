from otter.test_files import test_case

OK_FORMAT = False

name = "gru_cell"
points = 3


@test_case(points=None, hidden=False)
def test_gru_cell_shape(gru_cell_forward):
    import numpy as np

    assert callable(gru_cell_forward), "define a function named gru_cell_forward"
    rng = np.random.default_rng(0)
    x_t, h_prev = (rng.standard_normal((2, 3)), rng.standard_normal((2, 4)))
    h = gru_cell_forward(
        x_t,
        h_prev,
        rng.standard_normal((3, 12)),
        rng.standard_normal((4, 12)),
        rng.standard_normal(12),
    )
    assert h is not None, "gru_cell_forward returned None: replace the ... with your code"
    h = np.asarray(h)
    assert h.shape == (2, 4), f"expected h_t of shape (batch, n_h) = (2, 4), got {h.shape}"


@test_case(points=None, hidden=False)
def test_gru_cell_zero_weights(gru_cell_forward):
    import numpy as np

    h_prev = np.array([[0.5, -1.0, 2.0]])
    h = gru_cell_forward(np.ones((1, 2)), h_prev, np.zeros((2, 9)), np.zeros((3, 9)), np.zeros(9))
    np.testing.assert_allclose(
        np.asarray(h),
        0.5 * h_prev,
        atol=1e-12,
        err_msg="all weights and biases zero: z = 0.5, candidate 0, so h_t = 0.5 h_prev",
    )
