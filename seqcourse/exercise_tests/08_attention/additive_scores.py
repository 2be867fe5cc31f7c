from otter.test_files import test_case

OK_FORMAT = False

name = "additive_scores"
points = 2


@test_case(points=None, hidden=False)
def test_additive_scores_shape(additive_scores):
    import numpy as np

    assert callable(additive_scores), "define a function named additive_scores"
    rng = np.random.default_rng(0)
    e = additive_scores(
        rng.standard_normal((2, 3)),
        rng.standard_normal((2, 5, 4)),
        rng.standard_normal((6, 3)),
        rng.standard_normal((6, 4)),
        rng.standard_normal(6),
    )
    assert e is not None, "additive_scores returned None: replace the ... with your code"
    e = np.asarray(e)
    assert e.shape == (2, 5), f"expected scores of shape (batch, T_x) = (2, 5), got {e.shape}"
