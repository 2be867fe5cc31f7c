from otter.test_files import test_case

OK_FORMAT = False

name = "beam_step"
points = 3


@test_case(points=None, hidden=False)
def test_beam_step_first_step(beam_search_step):
    import numpy as np

    assert callable(beam_search_step), "define a function named beam_search_step"
    log_probs = np.log(np.array([[0.1, 0.5, 0.15, 0.25]]))
    out = beam_search_step(np.zeros(1), log_probs, 3)
    assert out is not None, "beam_search_step returned None: replace the ... with your code"
    scores, parents, tokens = (np.asarray(a) for a in out)
    assert scores.shape == parents.shape == tokens.shape == (3,), (
        f"expected three arrays of shape (3,), got {scores.shape}, {parents.shape}, {tokens.shape}"
    )
    assert tokens.tolist() == [1, 3, 2], (
        f"expected tokens [1, 3, 2] (best first), got {tokens.tolist()}"
    )
    assert parents.tolist() == [0, 0, 0], (
        f"expected parents [0, 0, 0] (one beam), got {parents.tolist()}"
    )
