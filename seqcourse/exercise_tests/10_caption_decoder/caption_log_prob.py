from otter.test_files import test_case

OK_FORMAT = False

name = "caption_log_prob"
points = 2


@test_case(points=None, hidden=False)
def test_caption_log_prob_uniform_model(caption_log_prob, constant_decoder):
    import numpy as np

    assert callable(caption_log_prob), "define a function named caption_log_prob"
    assert callable(constant_decoder), "run the cell that defines constant_decoder"
    v, embeddings, params = constant_decoder(np.zeros(4))
    got = caption_log_prob(v, [2, 3, 1], embeddings, params, 0)
    assert got is not None, "caption_log_prob returned None: replace the ... with your code"
    np.testing.assert_allclose(
        float(got),
        3 * np.log(1 / 4),
        rtol=1e-12,
        err_msg="a uniform model over 4 tokens gives each of the 3 tokens log(1/4)",
    )
