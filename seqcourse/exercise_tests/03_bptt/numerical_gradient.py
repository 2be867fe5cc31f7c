from otter.test_files import test_case

OK_FORMAT = False

name = "numerical_gradient"
points = 2


@test_case(points=None, hidden=False)
def test_numerical_gradient_quadratic(numerical_gradient):
    import numpy as np

    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    before = x.copy()
    g = np.asarray(numerical_gradient(lambda v: np.sum(v**2), x))
    assert g.shape == (2, 3), f"expected shape (2, 3) (the shape of x), got {g.shape}"
    np.testing.assert_allclose(g, 2 * x, rtol=1e-05, atol=1e-05, err_msg="d/dx sum(x**2) = 2 x")
    np.testing.assert_array_equal(x, before, err_msg="numerical_gradient must not change x")
