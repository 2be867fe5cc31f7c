from otter.test_files import test_case

OK_FORMAT = False

name = "ngram_precision"
points = 2


@test_case(points=None, hidden=False)
def test_ngram_precision_unigrams_no_repeats(modified_precision):
    assert callable(modified_precision), "define a function named modified_precision"
    got = modified_precision("the cat sat on a mat".split(), ["the cat is on the mat".split()], 1)
    assert got is not None, "modified_precision returned None: replace the ... with your code"
    assert tuple(int(v) for v in got) == (4, 6), (
        f"expected (4, 6): the, cat, on, mat match; got {tuple(got)}"
    )
