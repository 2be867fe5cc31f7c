from otter.test_files import test_case

OK_FORMAT = False

name = "caption_log_prob"
points = 2


@test_case(points=None, hidden=False)
def test_caption_log_prob_uniform_model(caption_log_prob):
    import numpy as np

    assert callable(caption_log_prob), "define a function named caption_log_prob"
    V, n_x, n_h, n_v = (4, 2, 3, 2)
    params = {
        "W_hx": np.zeros((n_h, n_x)),
        "W_hh": np.zeros((n_h, n_h)),
        "W_hv": np.zeros((n_h, n_v)),
        "b_h": np.zeros(n_h),
        "W_yh": np.zeros((V, n_h)),
        "b_y": np.zeros(V),
    }
    got = caption_log_prob(np.ones(n_v), [2, 3, 1], np.ones((V, n_x)), params, 0)
    assert got is not None, "caption_log_prob returned None: replace the ... with your code"
    np.testing.assert_allclose(
        float(got),
        3 * np.log(1 / 4),
        rtol=1e-12,
        err_msg="a uniform model over 4 tokens gives each of the 3 tokens log(1/4)",
    )
