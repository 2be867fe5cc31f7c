from otter.test_files import test_case

OK_FORMAT = False

name = "reset_after"
points = 2


@test_case(points=None, hidden=False)
def test_reset_after_shape_and_zero_weights(gru_cell_forward_reset_after):
    import numpy as np

    assert callable(gru_cell_forward_reset_after), (
        "define a function named gru_cell_forward_reset_after"
    )
    h_prev = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    h = gru_cell_forward_reset_after(
        np.ones((2, 4)), h_prev, np.zeros((4, 9)), np.zeros((3, 9)), np.zeros((2, 9))
    )
    assert h is not None, (
        "gru_cell_forward_reset_after returned None: replace the ... with your code"
    )
    h = np.asarray(h)
    assert h.shape == (2, 3), f"expected h_t of shape (batch, n_h) = (2, 3), got {h.shape}"
    np.testing.assert_allclose(
        h,
        0.5 * h_prev,
        atol=1e-12,
        err_msg="all weights and biases zero: z = 0.5, candidate 0, so h_t = 0.5 h_prev",
    )
