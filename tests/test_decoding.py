"""Tests for seqcourse.decoding: greedy and beam search against the worked example,
exhaustive search, and each other; NumPy and TensorFlow states."""

import numpy as np
import pytest
import tensorflow as tf

from seqcourse.decoding import (
    beam_search,
    exhaustive_search,
    gather_state,
    greedy_decode,
    repeat_state,
    sequence_log_probs,
    table_step_fn,
)

# The worked example: after "A" greedy search takes "B" (0.4) over "C" (0.3), and ends with
# A, B, C, </s> at 0.5 * 0.4 * 0.4 * 0.6 = 0.048; A, C, B, </s> has 0.5 * 0.3 * 0.6 * 0.6 = 0.054.
TOKENS = ["<pad>", "<s>", "</s>", "A", "B", "C"]
START, END = 1, 2
TABLE = {
    (): {"A": 0.5, "B": 0.2, "C": 0.2, "</s>": 0.1},
    ("A",): {"A": 0.2, "B": 0.4, "C": 0.3, "</s>": 0.1},
    ("B",): {"A": 0.3, "B": 0.3, "C": 0.2, "</s>": 0.2},
    ("A", "B"): {"A": 0.2, "B": 0.2, "C": 0.4, "</s>": 0.2},
    ("A", "C"): {"A": 0.1, "B": 0.6, "C": 0.1, "</s>": 0.2},
    ("A", "B", "C"): {"A": 0.1, "B": 0.2, "C": 0.1, "</s>": 0.6},
    ("A", "C", "B"): {"A": 0.2, "B": 0.1, "C": 0.1, "</s>": 0.6},
}


def names(ids):
    return [TOKENS[i] for i in ids if i != 0]


def test_worked_example_greedy_048_beam_054():
    step, init = table_step_fn(TABLE, TOKENS)
    kw = dict(batch_size=1, start_id=START, end_id=END, max_length=6)
    greedy = greedy_decode(step, init(1), **kw)
    assert names(greedy.tokens[0]) == ["A", "B", "C", "</s>"]
    np.testing.assert_allclose(np.exp(greedy.log_probs[0]), 0.048, rtol=1e-12)
    beam = beam_search(step, init(1), beam_width=2, **kw)
    assert names(beam.tokens[0, 0]) == ["A", "C", "B", "</s>"]
    assert names(beam.tokens[0, 1]) == ["A", "B", "C", "</s>"]
    np.testing.assert_allclose(np.exp(beam.log_probs[0]), [0.054, 0.048], rtol=1e-12)
    np.testing.assert_array_equal(beam.lengths[0], [4, 4])


def test_beam_width_one_is_greedy_on_worked_example():
    step, init = table_step_fn(TABLE, TOKENS)
    kw = dict(batch_size=3, start_id=START, end_id=END, max_length=6)
    greedy = greedy_decode(step, init(3), **kw)
    beam = beam_search(step, init(3), beam_width=1, **kw)
    np.testing.assert_array_equal(beam.tokens[:, 0], greedy.tokens)
    np.testing.assert_allclose(beam.log_probs[:, 0], greedy.log_probs, rtol=1e-12)


def test_length_penalty_on_worked_example():
    # Without normalisation the most probable output overall is the empty one, "</s>" (0.1);
    # dividing by the length makes A, C, B, </s> the best.
    step, init = table_step_fn(TABLE, TOKENS)
    kw = dict(vocab_size=len(TOKENS), start_id=START, end_id=END, max_length=4)
    tokens, log_prob, _ = exhaustive_search(step, init(1), **kw)
    assert names(tokens) == ["</s>"]
    np.testing.assert_allclose(np.exp(log_prob), 0.1, rtol=1e-12)
    tokens, log_prob, score = exhaustive_search(step, init(1), length_penalty=1.0, **kw)
    assert names(tokens) == ["A", "C", "B", "</s>"]
    np.testing.assert_allclose(score, np.log(0.054) / 4, rtol=1e-12)


class RandomRNN:
    """A toy recurrent step model with random weights: state h (N, H)."""

    def __init__(self, vocab, hidden=5, seed=0, use_tf=False, sharp=3.0):
        rng = np.random.default_rng(seed)
        self.embed = rng.normal(size=(vocab + 1, hidden))  # + the start token (id vocab)
        self.w = rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)
        self.out = rng.normal(size=(hidden, vocab)) * sharp / np.sqrt(hidden)
        self.use_tf = use_tf
        self.start = vocab

    def initial_state(self, n, seed=1):
        h = np.random.default_rng(seed).normal(size=(n, self.w.shape[0]))
        return (tf.constant(h),) if self.use_tf else (h,)

    def __call__(self, prev, state):
        (h,) = state
        h = np.tanh(self.embed[prev] + np.asarray(h) @ self.w)
        logits = h @ self.out
        log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        return log_probs, ((tf.constant(h),) if self.use_tf else (h,))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_beam_with_all_hypotheses_equals_exhaustive_search(seed, alpha):
    vocab, length, n = 3, 4, 4
    model = RandomRNN(vocab, seed=seed, sharp=1.0)
    beam = beam_search(
        model,
        model.initial_state(n),
        batch_size=n,
        start_id=model.start,
        end_id=0,
        max_length=length,
        beam_width=vocab**length,
        length_penalty=alpha,
        pad_id=0,
    )
    for i in range(n):
        state = tuple(s[i : i + 1] for s in model.initial_state(n))
        tokens, log_prob, score = exhaustive_search(
            model,
            state,
            vocab_size=vocab,
            start_id=model.start,
            end_id=0,
            max_length=length,
            length_penalty=alpha,
        )
        got = list(beam.tokens[i, 0, : beam.lengths[i, 0]])
        assert got == tokens
        np.testing.assert_allclose(beam.log_probs[i, 0], log_prob, rtol=1e-10)
        np.testing.assert_allclose(beam.scores[i, 0], score, rtol=1e-10)


@pytest.mark.parametrize("use_tf", [False, True])
def test_beam_width_one_equals_greedy_random_model(use_tf):
    model = RandomRNN(6, seed=3, use_tf=use_tf)
    kw = dict(batch_size=8, start_id=model.start, end_id=0, max_length=7)
    greedy = greedy_decode(model, model.initial_state(8), **kw)
    beam = beam_search(model, model.initial_state(8), beam_width=1, **kw)
    np.testing.assert_array_equal(beam.tokens[:, 0], greedy.tokens)
    np.testing.assert_allclose(beam.log_probs[:, 0], greedy.log_probs, rtol=1e-12)
    np.testing.assert_array_equal(beam.lengths[:, 0], greedy.lengths)


def test_beam_log_probs_and_order_are_consistent():
    model = RandomRNN(5, seed=4)
    n, k = 6, 3
    kw = dict(batch_size=n, start_id=model.start, end_id=0, max_length=6)
    beam = beam_search(model, model.initial_state(n), beam_width=k, length_penalty=0.7, **kw)
    assert beam.tokens.shape[:2] == (n, k) and beam.tokens.dtype == np.int32
    assert np.all(np.diff(beam.scores, axis=1) <= 1e-12)  # best first
    np.testing.assert_allclose(beam.scores, beam.log_probs / beam.lengths**0.7, rtol=1e-12)
    for j in range(k):
        rescored = sequence_log_probs(
            model, model.initial_state(n), beam.tokens[:, j], start_id=model.start, end_id=0
        )
        np.testing.assert_allclose(rescored, beam.log_probs[:, j], rtol=1e-10)
    # finished hypotheses end with the end token, then padding only
    for i in range(n):
        for j in range(k):
            row = beam.tokens[i, j]
            length = beam.lengths[i, j]
            assert np.all(row[length:] == 0)
            if length < kw["max_length"]:
                assert row[length - 1] == 0  # end_id is 0 here


def test_greedy_stops_at_max_length_and_pads():
    step, init = table_step_fn({(): {"A": 1.0}}, TOKENS, default={"A": 1.0})
    r = greedy_decode(step, init(2), batch_size=2, start_id=START, end_id=END, max_length=3)
    assert r.tokens.tolist() == [[3, 3, 3], [3, 3, 3]]
    assert r.lengths.tolist() == [3, 3]
    step, init = table_step_fn(TABLE, TOKENS)
    r = greedy_decode(step, init(1), batch_size=1, start_id=START, end_id=END, max_length=10)
    assert r.tokens.shape == (1, 4)  # trimmed to the longest output


def test_gather_and_repeat_state_numpy_and_tf():
    state = {"h": np.arange(6).reshape(3, 2), "c": (tf.constant([[1.0], [2.0], [3.0]]),)}
    rep = repeat_state(state, 2)
    assert rep["h"][:, 0].tolist() == [0, 0, 2, 2, 4, 4]
    assert rep["c"][0].numpy()[:, 0].tolist() == [1, 1, 2, 2, 3, 3]
    got = gather_state(state, np.array([2, 0]))
    assert got["h"].tolist() == [[4, 5], [0, 1]]
    assert isinstance(got["c"][0], tf.Tensor)
    assert got["c"][0].numpy()[:, 0].tolist() == [3.0, 1.0]


def test_errors():
    step, init = table_step_fn(TABLE, TOKENS)
    kw = dict(start_id=START, end_id=END, max_length=4)
    with pytest.raises(ValueError, match="Received: batch_size=0"):
        greedy_decode(step, init(1), batch_size=0, **kw)
    with pytest.raises(ValueError, match="Received: max_length=0"):
        greedy_decode(step, init(1), batch_size=1, start_id=START, end_id=END, max_length=0)
    with pytest.raises(ValueError, match="must differ. Received: start_id=1, end_id=1"):
        greedy_decode(step, init(1), batch_size=1, start_id=1, end_id=1, max_length=3)
    with pytest.raises(ValueError, match="Received: beam_width=0"):
        beam_search(step, init(1), batch_size=1, beam_width=0, **kw)
    with pytest.raises(ValueError, match="Received: length_penalty=-1"):
        beam_search(step, init(1), batch_size=1, length_penalty=-1, **kw)
    with pytest.raises(ValueError, match=r"Received: log_probs.shape=\(1, 6\)"):
        greedy_decode(lambda p, s: (np.zeros((1, 6)), s), (), batch_size=2, **kw)
    with pytest.raises(ValueError, match="Received: sequences.shape=\\(3,\\)"):
        sequence_log_probs(step, init(1), np.array([1, 2, 3]), start_id=START, end_id=END)
    with pytest.raises(ValueError, match="at most 200000"):
        exhaustive_search(step, init(1), vocab_size=20, max_length=5, start_id=1, end_id=2)
    with pytest.raises(ValueError, match="Received: repeats=0"):
        repeat_state((np.zeros(2),), 0)
    with pytest.raises(ValueError, match="must be distinct"):
        table_step_fn(TABLE, ["A", "A"])
    with pytest.raises(ValueError, match="non-empty dict"):
        table_step_fn({}, TOKENS)
    with pytest.raises(ValueError, match=r"Unknown tokens \['D'\]"):
        table_step_fn({(): {"D": 1.0}}, TOKENS)
    with pytest.raises(ValueError, match="summing to 1"):
        table_step_fn({(): {"A": 0.5}}, TOKENS)
