from otter.test_files import test_case

OK_FORMAT = False

name = "rnn_output"
points = 1


@test_case(points=None, hidden=False)
def test_rnn_output_shape(rnn_output):
    import numpy as np

    rng = np.random.default_rng(6)
    hs = rng.uniform(-1, 1, size=(2, 5, 4))
    y = np.asarray(rnn_output(hs, rng.normal(size=(3, 4)), rng.normal(size=3)))
    assert y.shape == (2, 5, 3), f"expected shape (2, 5, 3) = (batch, time, n_y), got {y.shape}"
    np.testing.assert_allclose(
        y.sum(-1), 1.0, rtol=1e-09, err_msg="each step must be a distribution"
    )
