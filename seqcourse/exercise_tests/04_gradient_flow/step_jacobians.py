from otter.test_files import test_case

OK_FORMAT = False

name = "step_jacobians"
points = 2


@test_case(points=None, hidden=False)
def test_step_jacobians_shape_and_linear_limit(step_jacobians):
    import numpy as np

    W_hh = np.array([[0.5, 0.2], [0.2, -0.3]])
    J = np.asarray(step_jacobians(W_hh, np.zeros((3, 2))))
    assert J.shape == (3, 2, 2), f"expected shape (3, 2, 2) = (time, n_h, n_h), got {J.shape}"
    np.testing.assert_allclose(
        J,
        np.broadcast_to(W_hh, (3, 2, 2)),
        rtol=1e-09,
        err_msg="where h<t> = 0, tanh' = 1 and the Jacobian is W_hh itself",
    )
