from otter.test_files import test_case

OK_FORMAT = False

name = "param_count"
points = 1


@test_case(points=None, hidden=False)
def test_lstm_param_count_small(lstm_param_count):
    got = lstm_param_count(1, 1)
    assert got == 12, (
        f"n_x = n_h = 1: 4 gates x (1 + 1 weights + 1 bias) = 12 parameters, got {got}"
    )
