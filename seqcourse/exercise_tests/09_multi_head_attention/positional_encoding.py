from otter.test_files import test_case

OK_FORMAT = False

name = "positional_encoding"
points = 1


@test_case(points=None, hidden=False)
def test_positional_encoding_position_zero(positional_encoding):
    import numpy as np

    assert callable(positional_encoding), "define a function named positional_encoding"
    pe = positional_encoding(3, 6)
    assert pe is not None, "positional_encoding returned None: replace the ... with your code"
    pe = np.asarray(pe)
    assert pe.shape == (3, 6), f"expected shape (T, d_model) = (3, 6), got {pe.shape}"
    np.testing.assert_allclose(
        pe[0],
        [0, 1, 0, 1, 0, 1],
        atol=1e-12,
        err_msg="position 0: sin(0) = 0 in even columns, cos(0) = 1 in odd columns",
    )
