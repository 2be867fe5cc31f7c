from otter.test_files import test_case

OK_FORMAT = False

name = "finished"
points = 2


@test_case(points=None, hidden=False)
def test_finished_nothing_finished(beam_search_step_finished):
    import numpy as np

    assert callable(beam_search_step_finished), "define a function named beam_search_step_finished"
    log_probs = np.log(np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]))
    out = beam_search_step_finished(np.log([0.5, 0.5]), log_probs, np.array([False, False]), 2, 2)
    assert out is not None, (
        "beam_search_step_finished returned None: replace the ... with your code"
    )
    scores, parents, tokens, finished = (np.asarray(a) for a in out)
    assert parents.tolist() == [1, 0] and tokens.tolist() == [0, 1], (
        f"expected parents [1, 0], tokens [0, 1], got {parents.tolist()}, {tokens.tolist()}"
    )
    assert finished.tolist() == [False, False], (
        f"expected finished [False, False], got {finished.tolist()}"
    )
