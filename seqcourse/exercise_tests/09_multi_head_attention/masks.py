from otter.test_files import test_case

OK_FORMAT = False

name = "masks"
points = 2


@test_case(points=None, hidden=False)
def test_masks_full_length(causal_padding_mask):
    import numpy as np

    assert callable(causal_padding_mask), "define a function named causal_padding_mask"
    m = causal_padding_mask(np.array([4, 2]), 4)
    assert m is not None, "causal_padding_mask returned None: replace the ... with your code"
    m = np.asarray(m)
    assert m.shape == (2, 4, 4), f"expected shape (batch, T, T) = (2, 4, 4), got {m.shape}"
    assert m.dtype == bool, f"expected a boolean mask, got dtype {m.dtype}"
    assert m[0, 3].tolist() == [True] * 4, (
        f"the last position of a full-length sequence sees every position, got {m[0, 3].tolist()}"
    )
    assert not m[1, :, 2:].any(), "no query may attend to a padded key (sequence 1 has length 2)"
