from otter.test_files import test_case

OK_FORMAT = False

name = "output_probs"
points = 1


@test_case(points=None, hidden=False)
def test_output_probs_uniform(output_probs):
    import numpy as np

    assert callable(output_probs), "define a function named output_probs"
    p = output_probs(np.ones((2, 3)), np.zeros((5, 3)), np.zeros(5))
    assert p is not None, "output_probs returned None: replace the ... with your code"
    p = np.asarray(p)
    assert p.shape == (2, 5), f"expected shape (batch, V) = (2, 5), got {p.shape}"
    np.testing.assert_allclose(
        p, 0.2, rtol=1e-12, err_msg="zero weights give the uniform distribution"
    )
