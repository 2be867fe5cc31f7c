from otter.test_files import test_case

OK_FORMAT = False

name = "multi_head"
points = 3


@test_case(points=None, hidden=False)
def test_multi_head_shape(multi_head_attention):
    import numpy as np

    assert callable(multi_head_attention), "define a function named multi_head_attention"
    rng = np.random.default_rng(3)
    d, H = (4, 2)
    w = [rng.standard_normal((d, d)) if i % 2 == 0 else np.zeros(d) for i in range(8)]
    out = multi_head_attention(
        rng.standard_normal((2, 3, d)), rng.standard_normal((2, 5, d)), *w, num_heads=H
    )
    assert out is not None, "multi_head_attention returned None: replace the ... with your code"
    out = np.asarray(out)
    assert out.shape == (2, 3, 4), (
        f"expected shape (batch, T, d_model) = (2, 3, 4), got {out.shape}"
    )
