from otter.test_files import test_case

OK_FORMAT = False

name = "lstm_forward"
points = 2


@test_case(points=None, hidden=False)
def test_lstm_forward_shapes(lstm_forward):
    import numpy as np

    rng = np.random.default_rng(10)
    out = lstm_forward(
        rng.normal(size=(2, 5, 3)),
        np.zeros((2, 4)),
        np.zeros((2, 4)),
        rng.normal(size=(3, 16)),
        rng.normal(size=(4, 16)),
        np.zeros(16),
    )
    assert isinstance(out, tuple) and len(out) == 2, "expected the pair (hs, c_T)"
    hs, c_T = (np.asarray(out[0]), np.asarray(out[1]))
    assert hs.shape == (2, 5, 4), (
        f"expected hs of shape (2, 5, 4) = (batch, time, n_h), got {hs.shape}"
    )
    assert c_T.shape == (2, 4), f"expected c_T of shape (2, 4) = (batch, n_h), got {c_T.shape}"
    assert np.all(np.abs(hs) < 1), "every h_t = o * tanh(C_t) lies in (-1, 1)"
