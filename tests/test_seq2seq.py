"""Tests for seqcourse.seq2seq: masked loss and accuracy against NumPy, the step-by-step
decoders against the teacher-forced ones, scheduled sampling, translation and evaluation."""

import keras
import numpy as np
import pytest

from seqcourse import seq2seq_data
from seqcourse.bleu import corpus_bleu
from seqcourse.decoding import greedy_decode
from seqcourse.seq2seq import (
    ChoGRU,
    SamplingSchedule,
    SutskeverLSTM,
    decode_batches,
    evaluate_task,
    exact_match,
    fit_seq2seq,
    masked_accuracy,
    masked_loss,
    score_by_length,
    translate,
)
from seqcourse.seq2seq_data import END_ID, START_ID


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def test_masked_loss_and_accuracy_match_numpy():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 6, 7)).astype("float32")
    y = rng.integers(1, 7, size=(4, 6))
    y[0, 3:] = 0
    y[2, 1:] = 0
    mask = y != 0
    nll = -np.take_along_axis(log_softmax(logits.astype(np.float64)), y[..., None], -1)[..., 0]
    np.testing.assert_allclose(float(masked_loss(y, logits)), nll[mask].mean(), rtol=1e-5)
    acc = (logits.argmax(-1) == y)[mask].mean()
    np.testing.assert_allclose(float(masked_accuracy(y, logits)), acc, rtol=1e-6)
    # padding positions do not matter at all
    changed = logits.copy()
    changed[~mask] = 100 * rng.normal(size=changed[~mask].shape)
    np.testing.assert_allclose(float(masked_loss(y, changed)), float(masked_loss(y, logits)))


def random_ids(shape, vocab, seed, pad_from=None):
    ids = np.random.default_rng(seed).integers(4, vocab, size=shape).astype("int32")
    if pad_from is not None:
        for row, start in zip(ids, pad_from, strict=True):
            row[start:] = 0
    return ids


MODELS = [
    lambda **kw: ChoGRU(11, 13, embedding_dim=5, units=6, **kw),
    lambda **kw: SutskeverLSTM(11, 13, embedding_dim=5, units=6, num_layers=2, **kw),
]


@pytest.mark.parametrize("make", MODELS, ids=["cho", "sutskever"])
def test_step_decoder_equals_teacher_forced(make):
    model = make()
    enc = random_ids((3, 7), 11, 0, pad_from=[7, 4, 2])
    dec = random_ids((3, 5), 13, 1)
    dec[:, 0] = START_ID
    logits = np.asarray(model((enc, dec)))
    step_fn, state = model.decoding_start(enc)
    for t in range(dec.shape[1]):
        log_probs, state = step_fn(dec[:, t], state)
        np.testing.assert_allclose(np.asarray(log_probs), log_softmax(logits[:, t]), atol=1e-5)


@pytest.mark.parametrize("make", MODELS, ids=["cho", "sutskever"])
def test_encoder_ignores_padding(make):
    model = make()
    enc = random_ids((2, 4), 11, 2)
    padded = np.concatenate([enc, np.zeros((2, 3), "int32")], axis=1)
    for a, b in zip(model.encode(enc), model.encode(padded), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6)


@pytest.mark.parametrize("make", MODELS, ids=["cho", "sutskever"])
def test_scheduled_sampling_extremes(make):
    model = make(scheduled_sampling=True)
    enc = random_ids((4, 6), 11, 3)
    dec = random_ids((4, 5), 13, 4)
    dec[:, 0] = START_ID
    # p = 0: teacher forcing, in training mode too
    teacher = np.asarray(model((enc, dec), training=False))
    model.sampling_probability.assign(0.0)
    np.testing.assert_allclose(np.asarray(model((enc, dec), training=True)), teacher, atol=1e-5)
    # p = 1: free running, the decoder reads its own arg max: the greedy decoding
    model.sampling_probability.assign(1.0)
    free = np.asarray(model((enc, dec), training=True))
    step_fn, state = model.decoding_start(enc)
    greedy = greedy_decode(
        step_fn, state, batch_size=4, start_id=START_ID, end_id=10**6, max_length=5
    )
    np.testing.assert_array_equal(free.argmax(-1), greedy.tokens)


def test_translate_greedy_and_beam_width_one_agree():
    model = MODELS[0]()
    enc = random_ids((5, 6), 11, 5)
    vocab = seq2seq_data.Vocabulary([f"w{i}" for i in range(9)])
    greedy, lp_g = translate(model, enc, vocab, max_length=6)
    beam, lp_b = translate(model, enc, vocab, method="beam", beam_width=1, max_length=6)
    assert greedy == beam
    np.testing.assert_allclose(lp_g, lp_b, rtol=1e-6)
    beam4, lp_4 = translate(model, enc, vocab, method="beam", beam_width=4, max_length=6)
    assert len(beam4) == 5 and lp_4.shape == (5,)
    step_fn, state = model.decoding_start(enc)
    ref = greedy_decode(
        step_fn, state, batch_size=5, start_id=START_ID, end_id=END_ID, max_length=6
    )
    assert greedy == vocab.decode(ref.tokens)
    # chunked decoding gives the same result
    again, _ = translate(model, enc, vocab, max_length=6, batch_size=2)
    assert again == greedy


class FeatureStartModel:
    """A decoder that starts from a float feature grid (N, 2, 3), as a captioner does."""

    def __init__(self, vocab_size, seed=0):
        rng = np.random.default_rng(seed)
        self.w_in = rng.normal(size=(6, 8))
        self.embed = rng.normal(size=(vocab_size, 8))
        self.w = rng.normal(size=(8, 8)) / np.sqrt(8)
        self.out = rng.normal(size=(8, vocab_size))

    def decoding_start(self, grids):
        h0 = np.tanh(np.asarray(grids).reshape(len(grids), -1) @ self.w_in)

        def step(prev, state):
            h = np.tanh(self.embed[np.asarray(prev)] + state[0] @ self.w)
            return log_softmax(h @ self.out), (h,)

        return step, (h0,)


def test_decode_batches_takes_any_encoder_input():
    vocab = seq2seq_data.Vocabulary([f"w{i}" for i in range(9)])
    model = FeatureStartModel(vocab.size)
    grids = np.random.default_rng(1).normal(size=(7, 2, 3))
    tokens, lp = decode_batches(model, grids, vocab, max_length=5)
    step_fn, state = model.decoding_start(grids)
    ref = greedy_decode(
        step_fn, state, batch_size=7, start_id=START_ID, end_id=END_ID, max_length=5
    )
    assert tokens == vocab.decode(ref.tokens)
    np.testing.assert_allclose(lp, ref.log_probs, rtol=1e-12)
    chunked, lp_chunked = decode_batches(model, grids, vocab, max_length=5, batch_size=3)
    assert chunked == tokens
    np.testing.assert_allclose(lp_chunked, lp, rtol=1e-12)
    beam, lp_beam = decode_batches(model, grids, vocab, max_length=5, method="beam")
    assert len(beam) == 7 and np.all(lp_beam >= lp - 1e-9)  # K = 4 is never worse here
    with pytest.raises(ValueError, match="Received: method='sample'"):
        decode_batches(model, grids, vocab, max_length=5, method="sample")
    with pytest.raises(ValueError, match="Received: max_length=0"):
        decode_batches(model, grids, vocab, max_length=0)
    with pytest.raises(ValueError, match="Received: batch_size=0"):
        decode_batches(model, grids, vocab, max_length=5, batch_size=0)
    with pytest.raises(ValueError, match="leading batch dimension. Received: inputs=3.0"):
        decode_batches(model, 3.0, vocab, max_length=5)
    with pytest.raises(ValueError, match="decoding_start.*Received: model=object"):
        decode_batches(object(), grids, vocab, max_length=5)


def test_exact_match_and_score_by_length():
    assert exact_match([["a", "b"], ["c"]], [["a", "b"], ["d"]]) == 0.5
    preds = [["a", "b", "c", "d"], ["x"], ["a", "b", "c", "d", "e"], ["q", "r", "s", "t"]]
    refs = [["a", "b", "c", "d"], ["y"], ["a", "b", "c", "d", "f"], ["q", "r", "s", "t"]]
    scores, counts = score_by_length(preds, refs, [1, 2, 8, 9], edges=[0, 5, 10, 20])
    assert scores == {"0-4": 0.5, "5-9": 0.5} and counts == {"0-4": 2, "5-9": 2}
    bleu, _ = score_by_length(preds, refs, [1, 2, 8, 9], edges=[0, 5, 10], metric="bleu")
    np.testing.assert_allclose(bleu["5-9"], corpus_bleu(preds[2:], [[r] for r in refs[2:]]).score)


@pytest.fixture(scope="module")
def tiny_task():
    return seq2seq_data.date_task(128, 32, 32, seed=1)


def test_fit_and_evaluate_on_a_small_task(tiny_task):
    task = tiny_task
    model = ChoGRU(task.source_vocab.size, task.target_vocab.size, embedding_dim=8, units=16)
    history, seconds = fit_seq2seq(model, task, epochs=2, batch_size=64, learning_rate=3e-3)
    assert seconds > 0
    assert set(history) >= {"loss", "masked_accuracy", "val_loss", "val_masked_accuracy"}
    assert history["loss"][1] < history["loss"][0]
    result = evaluate_task(model, task.test, task.target_vocab, max_length=12)
    assert 0.0 <= result["exact_match"] <= 1.0 and 0.0 <= result["bleu"] <= 100.0
    assert len(result["predictions"]) == len(task.test)


def test_sampling_schedule_sets_probability(tiny_task):
    task = tiny_task
    model = SutskeverLSTM(
        task.source_vocab.size,
        task.target_vocab.size,
        embedding_dim=4,
        units=8,
        num_layers=1,
        scheduled_sampling=True,
    )
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(float(self.model.sampling_probability.numpy()))

    fit_seq2seq(
        model,
        task,
        epochs=2,
        validation=False,
        callbacks=[SamplingSchedule(lambda e: 0.25 * (e + 1)), Spy()],
    )
    assert seen == [0.25, 0.5]


def test_config_round_trip():
    model = ChoGRU(11, 13, embedding_dim=5, units=6, scheduled_sampling=True, seed=3)
    config = model.get_config()
    clone = ChoGRU.from_config(config)
    assert clone.sizes == model.sizes and clone.scheduled_sampling and clone.seed == 3
    lstm = SutskeverLSTM(11, 13, embedding_dim=5, units=6, num_layers=3)
    assert SutskeverLSTM.from_config(lstm.get_config()).sizes["num_layers"] == 3


def test_errors(tiny_task):
    with pytest.raises(ValueError, match="Received: units=0"):
        ChoGRU(11, 13, units=0)
    with pytest.raises(ValueError, match="Received: num_layers=0"):
        SutskeverLSTM(11, 13, num_layers=0)
    model = MODELS[0]()
    vocab = tiny_task.target_vocab
    enc = random_ids((2, 3), 11, 0)
    with pytest.raises(ValueError, match="Received: method='sample'"):
        translate(model, enc, vocab, method="sample")
    with pytest.raises(ValueError, match="Received: encoder_input.shape=\\(3,\\)"):
        translate(model, enc[0], vocab)
    with pytest.raises(ValueError, match="Received: max_length=0"):
        translate(model, enc, vocab, max_length=0)
    with pytest.raises(ValueError, match="decoding_start.*Received: model=object"):
        translate(object(), enc, vocab)
    with pytest.raises(ValueError, match="Received: 1 predictions, 2 references"):
        exact_match([["a"]], [["a"], ["b"]])
    with pytest.raises(ValueError, match="Received: metric='rouge'"):
        score_by_length([["a"]], [["a"]], [1], edges=[0, 2], metric="rouge")
    with pytest.raises(ValueError, match="Received: edges=\\[3, 2\\]"):
        score_by_length([["a"]], [["a"]], [1], edges=[3, 2])
    with pytest.raises(ValueError, match="equal lengths. Received: 1, 1, 2"):
        score_by_length([["a"]], [["a"]], [1, 2], edges=[0, 2])
    with pytest.raises(ValueError, match="Received: epochs=0"):
        fit_seq2seq(model, tiny_task, epochs=0)
    with pytest.raises(ValueError, match="Received: task=str"):
        fit_seq2seq(model, "dates", epochs=1)
    with pytest.raises(ValueError, match="Received: learning_rate=-1"):
        fit_seq2seq(model, tiny_task, epochs=1, learning_rate=-1)
    with pytest.raises(ValueError, match="Received: schedule=3"):
        SamplingSchedule(3)
