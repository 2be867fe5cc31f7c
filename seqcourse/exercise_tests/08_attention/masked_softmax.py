from otter.test_files import test_case

OK_FORMAT = False

name = "masked_softmax"
points = 2


@test_case(points=None, hidden=False)
def test_masked_softmax_no_padding(masked_softmax):
    import numpy as np

    assert callable(masked_softmax), "define a function named masked_softmax"
    scores = np.array([[0.0, np.log(3.0)], [1.0, 1.0]])
    w = masked_softmax(scores, np.ones((2, 2), dtype=bool))
    assert w is not None, "masked_softmax returned None: replace the ... with your code"
    w = np.asarray(w)
    assert w.shape == (2, 2), f"expected weights of shape (2, 2), got {w.shape}"
    np.testing.assert_allclose(
        w,
        [[0.25, 0.75], [0.5, 0.5]],
        rtol=1e-12,
        err_msg="without padding this is the softmax of each row",
    )
