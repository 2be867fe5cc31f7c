from otter.test_files import test_case

OK_FORMAT = False

name = "context"
points = 1


@test_case(points=None, hidden=False)
def test_context_one_hot_weights(context_vector):
    import numpy as np

    assert callable(context_vector), "define a function named context_vector"
    a = np.arange(24, dtype=float).reshape(2, 3, 4)
    c = context_vector(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), a)
    assert c is not None, "context_vector returned None: replace the ... with your code"
    c = np.asarray(c)
    assert c.shape == (2, 4), f"expected shape (batch, n_a) = (2, 4), got {c.shape}"
    np.testing.assert_allclose(
        c, [a[0, 1], a[1, 2]], rtol=1e-12, err_msg="one-hot weights pick one position"
    )
