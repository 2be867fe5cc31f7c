from otter.test_files import test_case

OK_FORMAT = False

name = "scaled_dot_product"
points = 3


@test_case(points=None, hidden=False)
def test_scaled_dot_product_shapes_and_one_dim_keys(scaled_dot_product_attention):
    import numpy as np

    assert callable(scaled_dot_product_attention), (
        "define a function named scaled_dot_product_attention"
    )
    q = np.array([[[1.0], [2.0]]])
    k = np.array([[[0.0], [1.0], [-1.0]]])
    v = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])
    out = scaled_dot_product_attention(q, k, v)
    assert out is not None, (
        "scaled_dot_product_attention returned None: replace the ... with your code"
    )
    output, weights = (np.asarray(a) for a in out)
    assert output.shape == (1, 2, 2), (
        f"expected output of shape (batch, T_q, d_v) = (1, 2, 2), got {output.shape}"
    )
    assert weights.shape == (1, 2, 3), (
        f"expected weights of shape (batch, T_q, T_k) = (1, 2, 3), got {weights.shape}"
    )
    scores = q @ k.transpose(0, 2, 1)
    expected = np.exp(scores) / np.exp(scores).sum(-1, keepdims=True)
    np.testing.assert_allclose(
        weights,
        expected,
        rtol=1e-10,
        err_msg="with d_k = 1, weights = softmax(q k^T) over the keys",
    )
    np.testing.assert_allclose(output, expected @ v, rtol=1e-10, err_msg="output = weights @ v")


@test_case(points=None, hidden=False)
def test_scaled_dot_product_mask_zeros(scaled_dot_product_attention):
    import numpy as np

    rng = np.random.default_rng(0)
    q, k, v = (
        rng.standard_normal((2, 3, 1)),
        rng.standard_normal((2, 4, 1)),
        rng.standard_normal((2, 4, 2)),
    )
    mask = np.array([[True, True, False, False]] * 3)[None].repeat(2, axis=0)
    _, weights = scaled_dot_product_attention(q, k, v, mask)
    weights = np.asarray(weights)
    assert np.all(weights[..., 2:] == 0.0), "masked keys must get a weight of exactly 0"
    np.testing.assert_allclose(
        weights.sum(-1), 1.0, rtol=1e-12, err_msg="the weights of every query must sum to 1"
    )
