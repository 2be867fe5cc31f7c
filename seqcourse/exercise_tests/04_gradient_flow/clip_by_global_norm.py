from otter.test_files import test_case

OK_FORMAT = False

name = "clip_by_global_norm"
points = 2


@test_case(points=None, hidden=False)
def test_clip_single_array(clip_by_global_norm):
    import numpy as np

    clipped, norm = clip_by_global_norm([np.array([3.0, 4.0])], 1.0)
    np.testing.assert_allclose(norm, 5.0, rtol=1e-09, err_msg="the norm of [3, 4] is 5")
    assert len(clipped) == 1, f"expected a list of 1 array, got {len(clipped)}"
    np.testing.assert_allclose(clipped[0], [0.6, 0.8], rtol=1e-09, err_msg="scaled to norm 1")
    small, _ = clip_by_global_norm([np.array([0.3, 0.4])], 1.0)
    np.testing.assert_allclose(
        small[0], [0.3, 0.4], rtol=1e-09, err_msg="below max_norm: unchanged"
    )
