from otter.test_files import test_case

OK_FORMAT = False

name = "spectral_radius"
points = 1


@test_case(points=None, hidden=False)
def test_spectral_radius_diagonal(spectral_radius):
    import numpy as np

    rho = spectral_radius(np.diag([0.5, 2.0, 1.0]))
    assert np.ndim(rho) == 0, f"expected a scalar, got an array of shape {np.shape(rho)}"
    np.testing.assert_allclose(float(rho), 2.0, rtol=1e-09, err_msg="diag(0.5, 2, 1) has radius 2")
