from otter.test_files import test_case

OK_FORMAT = False

name = "luong"
points = 2


@test_case(points=None, hidden=False)
def test_luong_dot(luong_scores):
    import numpy as np

    assert callable(luong_scores), "define a function named luong_scores"
    s = np.array([[1.0, 2.0]])
    a = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])
    e = luong_scores(s, a)
    assert e is not None, "luong_scores returned None: replace the ... with your code"
    e = np.asarray(e)
    assert e.shape == (1, 3), f"expected shape (batch, T_x) = (1, 3), got {e.shape}"
    np.testing.assert_allclose(
        e, [[1.0, 2.0, 3.0]], rtol=1e-12, err_msg="dot score: e[j] = s . a[j]"
    )
