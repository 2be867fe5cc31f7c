from otter.test_files import test_case

OK_FORMAT = False

name = "heads"
points = 1


@test_case(points=None, hidden=False)
def test_heads_shapes_and_round_trip(split_heads, merge_heads):
    import numpy as np

    assert callable(split_heads) and callable(merge_heads), (
        "define functions named split_heads and merge_heads"
    )
    x = np.arange(2 * 3 * 8, dtype=float).reshape(2, 3, 8)
    s = split_heads(x, 4)
    assert s is not None, "split_heads returned None: replace the ... with your code"
    s = np.asarray(s)
    assert s.shape == (2, 4, 3, 2), f"expected shape (batch, H, T, d) = (2, 4, 3, 2), got {s.shape}"
    back = merge_heads(s)
    assert back is not None, "merge_heads returned None: replace the ... with your code"
    np.testing.assert_allclose(
        np.asarray(back), x, rtol=1e-12, err_msg="merge_heads(split_heads(x, H)) must give x back"
    )
