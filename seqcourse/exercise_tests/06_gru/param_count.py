from otter.test_files import test_case

OK_FORMAT = False

name = "param_count"
points = 1


@test_case(points=None, hidden=False)
def test_param_count_small(gru_param_count):
    assert callable(gru_param_count), "define a function named gru_param_count"
    got = gru_param_count(1, 1, False)
    assert got == 9, f"n_x = n_h = 1, reset_after=False: expected 3 x (1 + 1 + 1) = 9, got {got}"
