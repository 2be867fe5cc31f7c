from otter.test_files import test_case

OK_FORMAT = False

name = "length_norm"
points = 1


@test_case(points=None, hidden=False)
def test_length_norm_alpha_zero(length_normalize):
    import numpy as np

    assert callable(length_normalize), "define a function named length_normalize"
    out = length_normalize(np.array([-2.0, -3.0]), np.array([2, 6]), 0.0)
    assert out is not None, "length_normalize returned None: replace the ... with your code"
    normalized, best = out
    np.testing.assert_allclose(
        np.asarray(normalized, dtype=float),
        [-2.0, -3.0],
        rtol=1e-12,
        err_msg="alpha=0 leaves the scores unchanged",
    )
    assert int(best) == 0, f"expected best index 0 with alpha=0, got {best}"
