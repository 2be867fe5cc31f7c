"""Tests for seqcourse.attention_seq2seq: the step function, masks and the model interface."""

import keras
import numpy as np
import pytest

from seqcourse.attention import attention_forward
from seqcourse.attention_seq2seq import AttentionSeq2Seq
from seqcourse.decoding import beam_search, greedy_decode

SOURCE_V, TARGET_V = 11, 13


def batch(seed=0, n=3, t_x=7, t_y=5):
    rng = np.random.default_rng(seed)
    lengths = np.array([t_x, 3, 1])[:n]
    src = rng.integers(4, SOURCE_V, size=(n, t_x)).astype("int32")
    src[np.arange(t_x)[None, :] >= lengths[:, None]] = 0  # padding at the end
    dec = rng.integers(4, TARGET_V, size=(n, t_y)).astype("int32")
    dec[:, 0] = 2  # start id
    return src, dec, lengths


def make_model(score="additive", bidirectional=True, seed=0):
    keras.utils.set_random_seed(seed)
    return AttentionSeq2Seq(
        SOURCE_V, TARGET_V, embedding_dim=6, units=8, score=score, bidirectional=bidirectional
    )


CONFIGS = [("additive", True), ("general", True), ("dot", False), ("additive", False)]


@pytest.mark.parametrize("score,bidirectional", CONFIGS)
def test_step_function_reproduces_teacher_forced_log_probs(score, bidirectional):
    model = make_model(score, bidirectional)
    src, dec, _ = batch()
    logits = np.asarray(model((src, dec)))
    expected = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    step_fn, state = model.decoding_start(src)
    for t in range(dec.shape[1]):
        log_probs, state = step_fn(dec[:, t], state)
        np.testing.assert_allclose(np.asarray(log_probs), expected[:, t], rtol=0, atol=2e-5)


@pytest.mark.parametrize("score,bidirectional", CONFIGS)
def test_attention_weights_are_a_masked_distribution(score, bidirectional):
    model = make_model(score, bidirectional)
    src, dec, lengths = batch(seed=1)
    weights = model.attention_weights(src, dec)
    assert weights.shape == (3, dec.shape[1], src.shape[1])
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=0, atol=1e-5)
    padded = np.arange(src.shape[1])[None, :] >= lengths[:, None]
    assert np.all(weights[np.broadcast_to(padded[:, None, :], weights.shape)] == 0.0)


def test_attention_layer_of_the_model_matches_the_numpy_reference():
    model = make_model("additive")
    src, dec, _ = batch(seed=2)
    annotations, mask, state = model.encode(src)
    _, weights, _ = model.decode(dec, annotations, mask, state)
    embedded = model.target_embedding(dec)
    states, _ = model.decoder_rnn(embedded, initial_state=[state])
    w_q, w_k, v = (np.asarray(w, np.float64) for w in model.attention.weights)
    params = {"query_kernel": w_q, "key_kernel": w_k, "score_vector": v}
    _, ref = attention_forward(
        np.asarray(states, np.float64),
        np.asarray(annotations, np.float64),
        params,
        mask=np.asarray(mask),
    )
    np.testing.assert_allclose(np.asarray(weights), ref, rtol=0, atol=1e-5)


def test_extra_padding_does_not_change_the_output():
    model = make_model("additive")
    src, dec, _ = batch(seed=3)
    longer = np.pad(src, ((0, 0), (0, 4)))
    np.testing.assert_allclose(
        np.asarray(model((src, dec))), np.asarray(model((longer, dec))), rtol=0, atol=1e-5
    )


def test_greedy_and_beam_search_run_on_the_step_function():
    model = make_model("general")
    src, _, _ = batch(seed=4)
    step_fn, state = model.decoding_start(src)
    greedy = greedy_decode(step_fn, state, batch_size=3, start_id=2, end_id=3, max_length=6)
    step_fn, state = model.decoding_start(src)
    beam = beam_search(
        step_fn, state, batch_size=3, start_id=2, end_id=3, max_length=6, beam_width=1
    )
    np.testing.assert_array_equal(greedy.tokens, beam.tokens[:, 0])


def test_config_round_trip_and_parameter_count():
    model = make_model("additive")
    src, dec, _ = batch()
    expected = np.asarray(model((src, dec)))
    clone = AttentionSeq2Seq.from_config(model.get_config())
    clone((src, dec))
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(np.asarray(clone((src, dec))), expected)
    emb, units = 6, 8
    gru = 3 * (emb * units + units * units + 2 * units)  # reset_after=True: two biases
    expected_params = (
        SOURCE_V * emb  # source embedding
        + 2 * gru  # bidirectional encoder
        + (2 * units * units + units)  # bridge from [forward; backward] final states
        + TARGET_V * emb  # target embedding
        + gru  # decoder
        + (units * units + 2 * units * units + units)  # additive score: W_a, U_a, v_a
        + (3 * units * units + units)  # attentional layer on [c; s]
        + (units * TARGET_V + TARGET_V)  # output layer
    )
    assert model.count_params() == expected_params


def test_error_messages():
    with pytest.raises(ValueError, match="Received: source_vocab_size=1"):
        AttentionSeq2Seq(1, 5)
    with pytest.raises(ValueError, match="Received: units=0"):
        AttentionSeq2Seq(5, 5, units=0)
    with pytest.raises(ValueError, match="Received: score='cosine'"):
        AttentionSeq2Seq(5, 5, score="cosine")
    with pytest.raises(ValueError, match="Received: bidirectional=1"):
        AttentionSeq2Seq(5, 5, bidirectional=1)
    with pytest.raises(ValueError, match="use bidirectional=False"):
        AttentionSeq2Seq(5, 5, score="dot")
    with pytest.raises(ValueError, match="Received: attention_units=0"):
        AttentionSeq2Seq(5, 5, attention_units=0)
