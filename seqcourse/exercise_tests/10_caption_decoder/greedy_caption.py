from otter.test_files import test_case

OK_FORMAT = False

name = "greedy_caption"
points = 2


@test_case(points=None, hidden=False)
def test_greedy_caption_end_first(greedy_caption, constant_decoder):
    assert callable(greedy_caption), "define a function named greedy_caption"
    assert callable(constant_decoder), "run the cell that defines constant_decoder"
    v, embeddings, params = constant_decoder([0.0, 3.0, 1.0, 0.0, 0.0])
    got = greedy_caption(v, embeddings, params, 0, 1, 10)
    assert got is not None, "greedy_caption returned None: replace the ... with your code"
    got = [int(t) for t in got]
    assert got == [1], (
        f"a model whose output bias favours end=1 must stop at once: expected [1], got {got}"
    )
    v, embeddings, params = constant_decoder([0.0, 0.0, 3.0, 0.0, 0.0])
    got = [int(t) for t in greedy_caption(v, embeddings, params, 0, 1, 4)]
    assert got == [2, 2, 2, 2], (
        f"without end, the caption stops after max_len=4 tokens: expected [2, 2, 2, 2], got {got}"
    )
