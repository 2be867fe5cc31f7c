from otter.test_files import test_case

OK_FORMAT = False

name = "gradient_norms"
points = 2


@test_case(points=None, hidden=False)
def test_backprop_norms_scaled_identity(backprop_norms):
    import numpy as np

    J = np.broadcast_to(0.5 * np.eye(3), (4, 3, 3))
    norms = np.asarray(backprop_norms(J, np.array([3.0, 0.0, 4.0])))
    assert norms.shape == (5,), f"expected shape (5,) = (time + 1,), got {norms.shape}"
    np.testing.assert_allclose(
        norms,
        5.0 * 0.5 ** np.arange(5),
        rtol=1e-09,
        err_msg="with J = 0.5 I the norm halves at every step back: 5, 2.5, 1.25, ...",
    )
