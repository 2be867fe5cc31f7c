"""Tests for seqcourse.language_model: sampling, perplexity and n-gram models."""

import itertools
import math

import keras
import numpy as np
import pytest

from seqcourse.language_model import (
    NGramModel,
    bits_per_character,
    perplexity,
    sample_sequence,
)

# --- perplexity and bits per character ------------------------------------------------------


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    for v in (2, 27, 1000):
        assert perplexity(math.log(v)) == pytest.approx(v, rel=1e-12)
    assert perplexity(0) == 1.0


def test_bits_per_character_matches_log2():
    probs = np.array([0.5, 0.25, 0.125])
    mean_nats = float(-np.log(probs).mean())
    assert bits_per_character(mean_nats) == pytest.approx(float(-np.log2(probs).mean()), abs=1e-12)
    assert bits_per_character(math.log(8)) == pytest.approx(3.0, abs=1e-12)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "1", None, True])
def test_perplexity_errors(bad):
    with pytest.raises(ValueError, match=r"finite, non-negative number .* Received: mean_nats="):
        perplexity(bad)
    with pytest.raises(ValueError, match=r"finite, non-negative number .* Received: mean_nats="):
        bits_per_character(bad)


# --- sample_sequence --------------------------------------------------------------------------

FIXED = np.log(np.array([0.1, 0.2, 0.3, 0.4]))


def fixed_model(tokens):
    return np.tile(FIXED, (tokens.shape[0], 1))


def test_sampling_frequencies_follow_the_tempered_softmax():
    n = 20000
    samples = sample_sequence(fixed_model, [0], max_length=1, seed=0, num_samples=n)
    freq = np.bincount([s[0] for s in samples], minlength=4) / n
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.3, 0.4], atol=0.015)  # ~4 standard errors
    for temperature in (0.5, 2.0):
        samples = sample_sequence(fixed_model, [0], 1, temperature, seed=1, num_samples=n)
        freq = np.bincount([s[0] for s in samples], minlength=4) / n
        expected = np.exp(FIXED / temperature) / np.exp(FIXED / temperature).sum()
        np.testing.assert_allclose(freq, expected, atol=0.015)


def test_temperature_zero_is_greedy_and_seed_reproduces():
    assert sample_sequence(fixed_model, [0], 5, temperature=0) == [[3, 3, 3, 3, 3]]
    a = sample_sequence(fixed_model, [0], 8, seed=3, num_samples=4)
    b = sample_sequence(fixed_model, [0], 8, seed=3, num_samples=4)
    assert a == b and all(len(s) == 8 for s in a)


def test_samples_are_fed_back_and_stop_at_end_id():
    # A deterministic "counter": the next token is the last one plus 1; 4 ends the sequence.
    def counter(tokens):
        return np.log(np.eye(5)[(tokens[:, -1] + 1) % 5] + 1e-12)

    assert sample_sequence(counter, [0], 10, seed=0, end_id=4) == [[1, 2, 3]]
    assert sample_sequence(counter, [2, 0], 3, seed=0) == [[1, 2, 3]]


def test_sample_sequence_accepts_a_keras_model():
    # Logits depend only on the current token: a one-hot "next = current + 1" table.
    table = np.log(np.roll(np.eye(4), 1, axis=1) + 1e-9).astype("float32")
    tokens = keras.Input((None,), dtype="int32")
    logits = keras.layers.Embedding(
        4, 4, embeddings_initializer=keras.initializers.Constant(table)
    )(tokens)
    model = keras.Model(tokens, logits)
    assert sample_sequence(model, [1], 4, temperature=0) == [[2, 3, 0, 1]]
    assert sample_sequence(model, [0], 4, seed=0, end_id=3) == [[1, 2]]


def test_sample_sequence_errors():
    with pytest.raises(ValueError, match=r"`prefix` must be a non-empty 1-D .* Received: prefix="):
        sample_sequence(fixed_model, [], 3)
    with pytest.raises(ValueError, match=r"`prefix` must be a non-empty 1-D"):
        sample_sequence(fixed_model, [0.5], 3)
    with pytest.raises(ValueError, match=r"`max_length` must be a positive integer. Received: "):
        sample_sequence(fixed_model, [0], 0)
    with pytest.raises(ValueError, match=r"`num_samples` must be a positive integer. Received: "):
        sample_sequence(fixed_model, [0], 3, num_samples=1.5)
    for bad in (-1, float("nan"), "hot"):
        with pytest.raises(ValueError, match=r"`temperature` must be a finite number >= 0"):
            sample_sequence(fixed_model, [0], 3, temperature=bad)
    with pytest.raises(ValueError, match=r"next-token logits of shape \(1, vocab\). Received"):
        sample_sequence(lambda t: np.zeros(4), [0], 3)
    dense = keras.Sequential([keras.Input((1,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"A Keras `model` must map token ids"):
        sample_sequence(dense, [0], 3)


# --- NGramModel ------------------------------------------------------------------------------

CORPUS = [[1, 2, 3], [1, 1, 2], [3, 2, 1, 1], [2], []]


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("k", [0.01, 1.0])
def test_probabilities_sum_to_one_for_every_context(order, k):
    lm = NGramModel(order, vocab_size=4, k=k).fit(CORPUS)
    for context in itertools.product(range(4), repeat=order - 1):
        p = lm.probabilities(context)
        assert p.shape == (4,) and np.all(p > 0)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_counts_match_a_hand_count():
    lm = NGramModel(2, vocab_size=4, k=0.5).fit(CORPUS)
    # After token 1 the corpus continues with 2, 1, 2, 1, 0 (end): counts [1, 2, 2, 0].
    np.testing.assert_array_equal(lm.counts[(1,)], [1, 2, 2, 0])
    np.testing.assert_allclose(lm.probabilities([3, 1]), (np.array([1, 2, 2, 0]) + 0.5) / 7)
    unigram = NGramModel(1, vocab_size=4, k=1.0).fit(CORPUS)
    # 10 tokens + 5 end boundaries: counts of 0, 1, 2, 3 are 5, 5, 4, 2.
    np.testing.assert_array_equal(unigram.counts[()], [5, 5, 4, 2])
    assert unigram.num_counts() == 4
    assert lm.num_counts() == sum(np.count_nonzero(r) for r in lm.counts.values())


def test_unseen_context_is_uniform_and_short_contexts_are_padded():
    lm = NGramModel(3, vocab_size=4).fit(CORPUS)
    np.testing.assert_allclose(lm.probabilities([3, 3]), 0.25)
    np.testing.assert_array_equal(lm.probabilities([1]), lm.probabilities([0, 1]))
    np.testing.assert_array_equal(lm.probabilities([]), lm.probabilities([0, 0]))


def test_cross_entropy_matches_a_direct_sum():
    lm = NGramModel(2, vocab_size=4, k=1.0).fit(CORPUS)
    held_out = [[1, 3], [2, 2]]
    logp = 0.0
    for seq in held_out:
        padded = [0, *seq, 0]
        for t in range(1, len(padded)):
            logp += math.log(lm.probabilities([padded[t - 1]])[padded[t]])
    assert lm.cross_entropy(held_out) == pytest.approx(-logp / 6, abs=1e-12)
    # A uniform model (no data) has cross-entropy log(vocab_size).
    assert NGramModel(3, 4).cross_entropy(held_out) == pytest.approx(math.log(4), abs=1e-12)


def test_ngram_log_probabilities_for_sampling():
    lm = NGramModel(2, vocab_size=4).fit(CORPUS)
    out = lm(np.array([[0, 1], [2, 3]]))
    np.testing.assert_allclose(np.exp(out[0]), lm.probabilities([1]))
    np.testing.assert_allclose(np.exp(out[1]), lm.probabilities([3]))
    samples = sample_sequence(lm, [0], 20, seed=0, end_id=0, num_samples=5)
    assert all(all(0 < t < 4 for t in s) for s in samples)


def test_ngram_errors():
    with pytest.raises(ValueError, match=r"`order` must be an integer >= 1. Received: order=0"):
        NGramModel(0, 4)
    with pytest.raises(ValueError, match=r"`vocab_size` must be an integer >= 2. Received"):
        NGramModel(2, 1)
    with pytest.raises(ValueError, match=r"`k` must be a positive number. Received: k=0"):
        NGramModel(2, 4, k=0)
    with pytest.raises(ValueError, match=r"`boundary_id` must be an id in \[0, 4\). Received"):
        NGramModel(2, 4, boundary_id=4)
    lm = NGramModel(2, 4)
    with pytest.raises(ValueError, match=r"Token ids must lie in \[0, 4\). Received: sequence="):
        lm.fit([[1, 5]])
    with pytest.raises(ValueError, match=r"1-D sequence of int token ids. Received"):
        lm.fit([[[1, 2]]])
    with pytest.raises(ValueError, match=r"1-D sequence of int token ids. Received"):
        lm.fit([[1.5]])
    with pytest.raises(ValueError, match=r"at least one sequence. Received: none"):
        lm.cross_entropy([])
