from otter.test_files import test_case

OK_FORMAT = False

name = "brevity_penalty"
points = 1


@test_case(points=None, hidden=False)
def test_brevity_penalty_long_candidate(brevity_penalty):
    assert callable(brevity_penalty), "define a function named brevity_penalty"
    got = brevity_penalty(12, [10])
    assert got is not None, "brevity_penalty returned None: replace the ... with your code"
    assert abs(float(got) - 1.0) < 1e-12, (
        f"a candidate longer than the reference is not penalised: expected 1.0, got {got}"
    )
