from otter.test_files import test_case

OK_FORMAT = False

name = "softmax"
points = 1


@test_case(points=None, hidden=False)
def test_softmax_small_logits(softmax):
    import numpy as np

    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    p = np.asarray(softmax(z))
    assert p.shape == (2, 3), f"expected shape (2, 3), got {p.shape}"
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-09, err_msg="rows must sum to 1")
    np.testing.assert_allclose(
        p[1], 1 / 3, rtol=1e-09, err_msg="equal logits give equal probabilities"
    )
