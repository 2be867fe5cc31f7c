"""Tests for seqcourse.captioning: encoders, the image-conditioned cell, the captioner."""

import hashlib
import zipfile

import keras
import numpy as np
import pytest
import sacrebleu

from seqcourse import captioning, datasets, decoding
from seqcourse.seq2seq_data import END_ID, START_ID, Vocabulary


def test_conv_encoder_and_classifier_share_weights():
    encoder = captioning.conv_encoder(32, (4, 8))
    assert tuple(encoder.output_shape) == (None, 8, 8, 8)
    classifier = captioning.label_classifier(encoder, 5)
    assert tuple(classifier.output_shape) == (None, 5)
    assert classifier.layers[0] is encoder
    # conv weights: 3*3*3*4 + 4 + 3*3*4*8 + 8; head: 8*5 + 5
    assert encoder.count_params() == 112 + 296
    assert classifier.count_params() == 112 + 296 + 45


def test_encoder_errors():
    with pytest.raises(ValueError, match="Received: image_size=30"):
        captioning.conv_encoder(30, (4, 8))
    with pytest.raises(ValueError, match="Received: filters=0"):
        captioning.conv_encoder(32, (0,))
    with pytest.raises(ValueError, match="Received: filters=()"):
        captioning.conv_encoder(32, ())
    with pytest.raises(ValueError, match="Received: n_labels=0"):
        captioning.label_classifier(captioning.conv_encoder(16, (4,)), 0)
    with pytest.raises(ValueError, match="Received: encoder="):
        captioning.label_classifier(keras.layers.Dense(3), 2)
    with pytest.raises(ValueError, match="Received: name='resnet'"):
        captioning.pretrained_encoder("resnet")
    with pytest.raises(ValueError, match="Received: weights='x'"):
        captioning.pretrained_encoder(weights="x")
    with pytest.raises(ValueError, match="Received: image_size=16"):
        captioning.pretrained_encoder(image_size=16, weights=None)


def params_of(cell):
    kernel, image_kernel, recurrent, bias = (np.asarray(w, np.float64) for w in cell.get_weights())
    return {"W_hx": kernel.T, "W_hv": image_kernel.T, "W_hh": recurrent.T, "b_h": bias}


def test_add_grid_positions_codes_row_and_column():
    grids = np.random.default_rng(0).random((2, 3, 4, 5))
    out = captioning.add_grid_positions(grids)
    assert out.shape == (2, 3, 4, 5 + 3 + 4) and out.dtype == np.float32
    np.testing.assert_allclose(out[..., :5], grids, rtol=1e-6)  # the features, unchanged
    for r in range(3):
        for c in range(4):
            assert out[1, r, c, 5:8].tolist() == [float(r == k) for k in range(3)]
            assert out[0, r, c, 8:].tolist() == [float(c == k) for k in range(4)]
    # an attention average of the cells holds the attended position: here cell (2, 1)
    weights = np.zeros((3, 4))
    weights[2, 1] = 1.0
    context = np.einsum("rc,rcf->f", weights, out[0])
    assert np.argmax(context[5:8]) == 2 and np.argmax(context[8:]) == 1
    with pytest.raises(ValueError, match="Received: grids.shape=\\(3, 4, 5\\)"):
        captioning.add_grid_positions(grids[0])


def test_image_cell_matches_numpy_reference_and_simple_rnn():
    n_x, n_v, n_h, batch, steps = 3, 2, 5, 4, 6
    rng = np.random.default_rng(0)
    x, v = rng.normal(size=(batch, steps, n_x)), rng.normal(size=(batch, n_v))
    cell = captioning.ImageConditionedRNNCell(n_h, n_v, bias_initializer="random_normal")
    layer = keras.layers.RNN(cell, return_sequences=True)
    inputs = np.concatenate([x, np.repeat(v[:, None], steps, axis=1)], axis=-1)
    out = np.asarray(layer(inputs.astype("float32")))
    assert [w.shape for w in cell.weights] == [(n_x, n_h), (n_v, n_h), (n_h, n_h), (n_h,)]
    p = params_of(cell)
    expected = captioning.image_rnn_forward(x, v, np.zeros((batch, n_h)), p)
    np.testing.assert_allclose(out, expected, atol=1e-5, rtol=0)
    # the same as a SimpleRNN on [x; v] with the input kernel [W_hx | W_hv]^T
    simple = keras.layers.SimpleRNN(n_h, return_sequences=True)
    simple.build((None, None, n_x + n_v))
    simple.set_weights([np.concatenate(cell.get_weights()[:2]), *cell.get_weights()[2:]])
    np.testing.assert_allclose(np.asarray(simple(inputs.astype("float32"))), out, atol=1e-6)
    # an explicit step-by-step loop in float64
    h = np.zeros((batch, n_h))
    for t in range(steps):
        h = np.tanh(p["W_hx"] @ x[:, t].T + p["W_hh"] @ h.T + p["W_hv"] @ v.T + p["b_h"][:, None]).T
    np.testing.assert_allclose(expected[:, -1], h, atol=1e-12)


def test_image_cell_serialization_and_errors():
    cell = captioning.ImageConditionedRNNCell(4, 2, name="c")
    clone = captioning.ImageConditionedRNNCell.from_config(cell.get_config())
    assert clone.units == 4 and clone.image_dim == 2
    layer = keras.layers.RNN(captioning.ImageConditionedRNNCell(4, 3))
    with pytest.raises(ValueError, match="Received: input_shape"):
        layer(np.ones((1, 2, 3), "float32"))
    with pytest.raises(ValueError, match="Received: units=0"):
        captioning.ImageConditionedRNNCell(0, 2)
    with pytest.raises(ValueError, match="Received: image_dim=0"):
        captioning.ImageConditionedRNNCell(2, 0)
    p = {"W_hh": np.eye(2), "W_hx": np.ones((2, 3)), "W_hv": np.ones((2, 1)), "b_h": np.zeros(2)}
    with pytest.raises(ValueError, match="Received: params=\\['W_hh'\\]"):
        captioning.image_rnn_forward(
            np.zeros((1, 2, 3)), np.zeros((1, 1)), np.zeros((1, 2)), {"W_hh": 1}
        )
    with pytest.raises(ValueError, match="Received: x.shape=\\(1, 2, 4\\)"):
        captioning.image_rnn_forward(np.zeros((1, 2, 4)), np.zeros((1, 1)), np.zeros((1, 2)), p)
    with pytest.raises(ValueError, match="Received: x.shape=\\(1, 2\\)"):
        captioning.image_rnn_forward(np.zeros((1, 2)), np.zeros((1, 1)), np.zeros((1, 2)), p)


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.from_token_lists([["a", "red", "circle"], ["a", "blue", "square"]])


@pytest.mark.parametrize("conditioning", captioning.CONDITIONINGS)
def test_captioner_teacher_forcing_equals_step_by_step(conditioning, vocab):
    keras.utils.set_random_seed(0)
    model = captioning.Captioner(
        vocab.size, conditioning, units=8, embedding_dim=4, image_dim=6, attention_units=5
    )
    grids = np.random.default_rng(1).normal(size=(3, 2, 2, 4)).astype("float32")
    tokens = np.array([[START_ID, 4, 5, 6], [START_ID, 4, 7, 0], [START_ID, 8, 0, 0]], "int32")
    logits = np.asarray(model((grids, tokens)))
    assert logits.shape == (3, 4, vocab.size)
    step_fn, state = model.decoding_start(grids)
    for t in range(tokens.shape[1]):
        log_probs, state = step_fn(tokens[:, t], state)
        expected = logits[:, t] - np.log(np.exp(logits[:, t]).sum(-1, keepdims=True))
        np.testing.assert_allclose(log_probs, expected, atol=1e-5)
    # scored by seqcourse.decoding, the sequences have the log-probs of the teacher-forced pass
    targets = np.concatenate([tokens[:, 1:], np.full((3, 1), END_ID, "int32")], axis=1)
    step_fn, state = model.decoding_start(grids)
    lp = decoding.sequence_log_probs(step_fn, state, targets, start_id=START_ID, end_id=END_ID)
    log_softmax = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    picked = np.take_along_axis(log_softmax, targets[..., None], axis=-1)[..., 0]
    # each row is scored up to its first END (none here) or padding counts as tokens
    assert lp.shape == (3,) and np.all(np.isfinite(lp))
    np.testing.assert_allclose(lp[0], picked[0].sum(), atol=1e-4)


def test_captioner_attention_maps_and_config(vocab):
    model = captioning.Captioner(vocab.size, "attention", units=8, embedding_dim=4)
    grids = np.ones((2, 3, 3, 4), "float32")
    logits, maps = model((grids, np.full((2, 5), START_ID, "int32")), return_attention=True)
    assert tuple(maps.shape) == (2, 5, 9)
    np.testing.assert_allclose(np.asarray(maps).sum(-1), 1.0, atol=1e-5)
    config = model.get_config()
    assert config["conditioning"] == "attention" and config["units"] == 8


def test_captioner_errors():
    with pytest.raises(ValueError, match="Received: conditioning='concat'"):
        captioning.Captioner(10, "concat")
    with pytest.raises(ValueError, match="Received: vocab_size=0"):
        captioning.Captioner(0)
    with pytest.raises(ValueError, match="Received: units=0"):
        captioning.Captioner(10, units=0)


def test_encode_captions(vocab):
    decoder_input, decoder_target = captioning.encode_captions(
        [["a", "red", "circle"], ["a"]], vocab, max_length=5
    )
    ids = [vocab.tokens.index(w) for w in ("a", "red", "circle")]
    assert decoder_input.tolist() == [[START_ID, *ids, 0], [START_ID, ids[0], 0, 0, 0]]
    assert decoder_target.tolist() == [[*ids, END_ID, 0], [ids[0], END_ID, 0, 0, 0]]


def test_generate_captions_greedy_equals_beam_of_width_one(vocab):
    keras.utils.set_random_seed(2)
    model = captioning.Captioner(vocab.size, "init", units=8, embedding_dim=4, image_dim=4)
    grids = np.random.default_rng(0).normal(size=(5, 2, 2, 3)).astype("float32")
    greedy, lp_greedy = captioning.generate_captions(
        model, grids, vocab, max_length=6, batch_size=2
    )
    beam, lp_beam = captioning.generate_captions(
        model, grids, vocab, method="beam", beam_width=1, max_length=6
    )
    assert greedy == beam and len(greedy) == 5
    # decoded in chunks of 2 = decoded at once by seqcourse.decoding
    step_fn, state = model.decoding_start(grids)
    direct = decoding.greedy_decode(
        step_fn, state, batch_size=5, start_id=START_ID, end_id=END_ID, max_length=6
    )
    assert greedy == vocab.decode(direct.tokens)
    np.testing.assert_allclose(lp_greedy, direct.log_probs, atol=1e-5)
    np.testing.assert_allclose(lp_greedy, lp_beam, atol=1e-5)  # float32, other batches
    _, lp_beam4 = captioning.generate_captions(
        model, grids, vocab, method="beam", beam_width=4, max_length=6
    )
    assert np.all(lp_beam4 >= lp_greedy - 1e-5)  # a wider beam never finds a worse sequence
    with pytest.raises(ValueError, match="Received: method='sample'"):
        captioning.generate_captions(model, grids, vocab, method="sample")
    with pytest.raises(ValueError, match="Received: batch_size=0"):
        captioning.generate_captions(model, grids, vocab, batch_size=0)
    with pytest.raises(ValueError, match="Received: images_or_grids.shape=\\(5, 4, 3\\)"):
        captioning.generate_captions(model, grids.reshape(5, 4, 3), vocab)


def test_caption_scores_match_sacrebleu():
    rng = np.random.default_rng(0)
    words = "a red blue circle square left of above".split()
    refs = [list(rng.choice(words, size=rng.integers(3, 9))) for _ in range(40)]
    hyps = [r[: len(r) - 1] + ["of"] if i % 3 else r for i, r in enumerate(refs)]
    scores = captioning.caption_scores(hyps, refs)
    assert scores["exact"] == np.mean([h == r for h, r in zip(hyps, refs, strict=True)]) > 0.3
    for n in range(1, 5):
        expected = sacrebleu.metrics.BLEU(tokenize="none", max_ngram_order=n).corpus_score(
            [" ".join(h) for h in hyps], [[" ".join(r) for r in refs]]
        )
        assert scores[f"bleu{n}"] == pytest.approx(expected.score, abs=1e-6)
    # several references per image
    assert captioning.caption_scores([["x"]], [[["y"], ["x"]]])["exact"] == 1.0


def test_caption_scores_errors():
    with pytest.raises(ValueError, match="Received: len\\(hypotheses\\)=1, len\\(references\\)=2"):
        captioning.caption_scores([["a"]], [["a"], ["b"]])
    with pytest.raises(ValueError, match="Received: hypotheses=str"):
        captioning.caption_scores("a", [["a"]])


@pytest.fixture
def caption_dir(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("b.png", "a.png"):
        keras.utils.save_img(tmp_path / name, rng.integers(0, 255, size=(40, 50, 3)))
    (tmp_path / "Flickr8k.token.txt").write_text(
        "a.png#0\tA dog runs .\na.png#1\tA brown dog .\nb.png#0\tTwo cats .\nmissing.png#0\tNo .\n"
    )
    (tmp_path / "captions.txt").write_text(
        'image,caption\na.png,A dog runs .\nb.png,"Two cats, asleep ."\n'
    )
    return tmp_path


def test_load_caption_directory_both_formats(caption_dir):
    images, captions, names = captioning.load_caption_directory(
        caption_dir, caption_dir / "Flickr8k.token.txt", image_size=32
    )
    assert images.shape == (2, 32, 32, 3) and 0 <= images.min() and images.max() <= 1
    assert names == ["a.png", "b.png"]
    assert captions == [["A dog runs .", "A brown dog ."], ["Two cats ."]]
    _, captions, _ = captioning.load_caption_directory(
        caption_dir, caption_dir / "captions.txt", image_size=32, max_images=1
    )
    assert captions == [["A dog runs ."]]


def test_pretrained_encoder_path_offline(caption_dir):
    # the Colab path (ImageNet weights) with random weights: same code, nothing downloaded
    images, captions, _ = captioning.load_caption_directory(
        caption_dir, caption_dir / "Flickr8k.token.txt", image_size=32
    )
    encoder = captioning.pretrained_encoder(image_size=32, weights=None)
    assert not encoder.trainable or not any(w.trainable for w in encoder.layers[-1].weights)
    grids = encoder.predict(images, verbose=0)
    assert grids.shape == (2, 1, 1, 1280)
    vocab = Vocabulary.from_token_lists([c.lower().split() for cs in captions for c in cs])
    model = captioning.Captioner(vocab.size, "attention", units=8, embedding_dim=4)
    hyps, lp = captioning.generate_captions(model, grids, vocab, max_length=4)
    assert len(hyps) == 2 and lp.shape == (2,)


def test_load_caption_directory_errors(caption_dir):
    with pytest.raises(ValueError, match="Received: directory="):
        captioning.load_caption_directory(caption_dir / "nope", caption_dir / "captions.txt")
    (caption_dir / "other.txt").write_text("z.png#0\tNothing .\n")
    with pytest.raises(ValueError, match="No image"):
        captioning.load_caption_directory(caption_dir, caption_dir / "other.txt")
    with pytest.raises(ValueError, match="Received: max_images=0"):
        captioning.load_caption_directory(caption_dir, caption_dir / "other.txt", max_images=0)


def test_fetch_flickr8k_offline_archives(caption_dir, tmp_path_factory):
    """fetch_flickr8k with a registry of two toy archives laid out as Flickr8k's are."""
    remote = tmp_path_factory.mktemp("remote")
    images_zip, text_zip = remote / "Flickr8k_Dataset.zip", remote / "Flickr8k_text.zip"
    with zipfile.ZipFile(images_zip, "w") as zf:
        for name in ("a.png", "b.png"):
            zf.write(caption_dir / name, f"Flicker8k_Dataset/{name}")
    with zipfile.ZipFile(text_zip, "w") as zf:
        zf.write(caption_dir / "Flickr8k.token.txt", "Flickr8k.token.txt")

    def entry(path, member):
        md5 = hashlib.md5(path.read_bytes()).hexdigest()
        return datasets.OnlineFile(path.as_uri(), md5, "toy", "CC0", "md5", member=member)

    registry = {
        "flickr8k_images": entry(images_zip, "Flicker8k_Dataset"),
        "flickr8k_text": entry(text_zip, "Flickr8k.token.txt"),
    }
    cache = tmp_path_factory.mktemp("cache")
    directory, captions_file = captioning.fetch_flickr8k(cache_dir=cache, registry=registry)
    images, captions, names = captioning.load_caption_directory(
        directory, captions_file, image_size=16
    )
    assert names == ["a.png", "b.png"] and images.shape == (2, 16, 16, 3)
    assert captions == [["A dog runs .", "A brown dog ."], ["Two cats ."]]
    bad = {**registry, "flickr8k_text": entry(text_zip, "Flickr8k.lemma.token.txt")}
    with pytest.raises(ValueError, match="does not hold 'Flickr8k.lemma.token.txt'"):
        captioning.fetch_flickr8k(cache_dir=tmp_path_factory.mktemp("c2"), registry=bad)
