from otter.test_files import test_case

OK_FORMAT = False

name = "greedy"
points = 1


@test_case(points=None, hidden=False)
def test_greedy_chain(greedy_decode):
    import numpy as np

    assert callable(greedy_decode), "define a function named greedy_decode"
    table = np.log(
        np.array([[0.1, 0.6, 0.2, 0.1], [0.1, 0.1, 0.7, 0.1], [0.5, 0.1, 0.1, 0.3], [0.25] * 4])
    )
    got = greedy_decode(table, 0, 3, 10)
    assert got is not None, "greedy_decode returned None: replace the ... with your code"
    assert [int(t) for t in got] == [1, 2, 0, 1, 2, 0, 1, 2, 0, 1], (
        f"expected 10 tokens [1, 2, 0, 1, ...] (end=3 is never the best), got {got}"
    )
