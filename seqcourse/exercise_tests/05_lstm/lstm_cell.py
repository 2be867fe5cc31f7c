from otter.test_files import test_case

OK_FORMAT = False

name = "lstm_cell"
points = 3


@test_case(points=None, hidden=False)
def test_lstm_cell_zero_weights(lstm_cell_forward):
    import numpy as np

    c_prev = np.array([[2.0, -1.0, 0.5], [0.0, 1.0, -3.0]])
    out = lstm_cell_forward(
        np.ones((2, 4)), np.ones((2, 3)), c_prev, np.zeros((4, 12)), np.zeros((3, 12)), np.zeros(12)
    )
    assert isinstance(out, tuple) and len(out) == 2, "expected the pair (h_t, c_t)"
    h_t, c_t = (np.asarray(out[0]), np.asarray(out[1]))
    assert h_t.shape == (2, 3), f"expected h_t of shape (2, 3) = (batch, n_h), got {h_t.shape}"
    assert c_t.shape == (2, 3), f"expected c_t of shape (2, 3) = (batch, n_h), got {c_t.shape}"
    np.testing.assert_allclose(
        c_t,
        0.5 * c_prev,
        rtol=1e-07,
        err_msg="with zero weights every gate is 0.5 and the candidate is 0: c_t = 0.5 c_prev",
    )
    np.testing.assert_allclose(
        h_t, 0.5 * np.tanh(0.5 * c_prev), rtol=1e-07, err_msg="h_t = o * tanh(c_t) = 0.5 tanh(c_t)"
    )
