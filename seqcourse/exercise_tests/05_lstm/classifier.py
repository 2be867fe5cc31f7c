from otter.test_files import test_case

OK_FORMAT = False

name = "classifier"
points = 2


@test_case(points=None, hidden=False)
def test_classifier_output(build_lstm_classifier):
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    model = build_lstm_classifier(3, 4, 5)
    assert isinstance(model, keras.Model), f"expected a keras.Model, got {type(model).__name__}"
    x = np.random.default_rng(12).normal(size=(2, 6, 3)).astype("float32")
    y = keras.ops.convert_to_numpy(model(x))
    assert y.shape == (2, 5), f"expected output shape (2, 5) = (batch, n_classes), got {y.shape}"
    np.testing.assert_allclose(
        y.sum(-1), 1.0, rtol=1e-05, err_msg="each output must be a distribution"
    )
