"""Tests for seqcourse.bleu: hand-computed cases and agreement with sacrebleu (1e-6)."""

import math

import numpy as np
import pytest
import sacrebleu

from seqcourse.bleu import (
    brevity_penalty,
    closest_ref_length,
    corpus_bleu,
    modified_precision,
    ngram_counts,
    sentence_bleu,
)


def sacre(hyps, refs, smooth=False, max_order=4):
    """sacrebleu on the same tokens (joined by spaces, tokenize="none")."""
    n_refs = max(len(r) for r in refs)
    streams = [[" ".join(r[j]) if j < len(r) else "" for r in refs] for j in range(n_refs)]
    metric = sacrebleu.metrics.BLEU(
        tokenize="none",
        smooth_method="exp" if smooth else "none",
        max_ngram_order=max_order,
    )
    return metric.corpus_score([" ".join(h) for h in hyps], streams)


def test_papineni_examples():
    # Papineni et al. (2002): "the the the the the the the" against two references has
    # modified unigram precision 2/7.
    hyp = ["the"] * 7
    refs = [
        "the cat is on the mat".split(),
        "there is a cat on the mat".split(),
    ]
    assert modified_precision(hyp, refs, 1) == (2, 7)
    assert ngram_counts(["a", "b", "a", "b"], 2)[("a", "b")] == 2
    assert modified_precision(["a", "b"], [["b", "a"]], 2) == (0, 1)


def test_brevity_penalty_and_closest_length():
    assert brevity_penalty(10, 10) == 1.0 and brevity_penalty(12, 10) == 1.0
    assert brevity_penalty(0, 10) == 0.0
    np.testing.assert_allclose(brevity_penalty(8, 10), math.exp(1 - 10 / 8), rtol=1e-15)
    assert closest_ref_length(5, [4, 6, 9]) == 4  # tie: the shorter
    assert closest_ref_length(7, [4, 6, 9]) == 6


def test_perfect_and_disjoint():
    hyp = ["a", "b", "c", "d", "e"]
    np.testing.assert_allclose(corpus_bleu([hyp], [[hyp]]).score, 100.0, rtol=1e-12)
    assert corpus_bleu([hyp], [[["x", "y", "z", "w", "v"]]]).score == 0.0


def random_corpus(seed, n, vocab=8, n_refs=1):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocab)]

    def sentence():
        return [words[i] for i in rng.integers(0, vocab, size=rng.integers(1, 12))]

    hyps = [sentence() for _ in range(n)]
    refs = [[sentence() for _ in range(n_refs)] for _ in range(n)]
    # make some hypotheses close to their first reference, so that high orders match
    for i in range(0, n, 2):
        hyps[i] = refs[i][0][:-1] + hyps[i][:2]
    return hyps, refs


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("smooth", [False, True])
@pytest.mark.parametrize("n_refs", [1, 3])
def test_corpus_bleu_matches_sacrebleu(seed, smooth, n_refs):
    hyps, refs = random_corpus(seed, n=40, n_refs=n_refs)
    ours = corpus_bleu(hyps, refs, smooth=smooth)
    theirs = sacre(hyps, refs, smooth=smooth)
    np.testing.assert_allclose(ours.score, theirs.score, atol=1e-6)
    np.testing.assert_allclose(ours.precisions, theirs.precisions, atol=1e-6)
    np.testing.assert_allclose(ours.bp, theirs.bp, atol=1e-9)
    assert (ours.hyp_len, ours.ref_len) == (theirs.sys_len, theirs.ref_len)
    assert list(ours.matches) == list(theirs.counts)
    assert list(ours.totals) == list(theirs.totals)


@pytest.mark.parametrize("max_order", [1, 2, 3])
def test_lower_orders_match_sacrebleu(max_order):
    hyps, refs = random_corpus(7, n=30)
    ours = corpus_bleu(hyps, refs, max_order=max_order)
    theirs = sacre(hyps, refs, max_order=max_order)
    np.testing.assert_allclose(ours.score, theirs.score, atol=1e-6)


def test_short_hypotheses_and_zero_matches_match_sacrebleu():
    hyps = [["a"], ["b", "c"]]
    refs = [[["a", "b", "c"]], [["b", "c", "d", "e"]]]
    for smooth in (False, True):
        np.testing.assert_allclose(
            corpus_bleu(hyps, refs, smooth=smooth).score,
            sacre(hyps, refs, smooth=smooth).score,
            atol=1e-6,
        )


def test_sentence_bleu_is_smoothed_corpus_bleu_of_one():
    hyp, ref = "the cat sat on a mat".split(), "the cat sat on the mat".split()
    got = sentence_bleu(hyp, [ref])
    np.testing.assert_allclose(got.score, sacre([hyp], [[ref]], smooth=True).score, atol=1e-6)
    assert str(got).startswith("BLEU = 53.73")


def test_corpus_bleu_is_not_mean_of_sentence_bleus():
    hyps, refs = random_corpus(3, n=10)
    corpus = corpus_bleu(hyps, refs).score
    mean = np.mean(
        [sentence_bleu(h, r, smooth=False).score for h, r in zip(hyps, refs, strict=True)]
    )
    assert abs(corpus - mean) > 1.0


def test_errors():
    with pytest.raises(ValueError, match="not a string"):
        corpus_bleu(["a b"], [[["a", "b"]]])
    with pytest.raises(ValueError, match="one entry .* per hypothesis"):
        corpus_bleu([["a"]], [])
    with pytest.raises(ValueError, match="must not be empty. Received: hypotheses=\\[\\]"):
        corpus_bleu([], [])
    with pytest.raises(ValueError, match="non-empty list of references"):
        corpus_bleu([["a"]], [[]])
    with pytest.raises(ValueError, match="contain strings only"):
        corpus_bleu([["a", 1]], [[["a"]]])
    with pytest.raises(ValueError, match="Received: max_order=0"):
        corpus_bleu([["a"]], [[["a"]]], max_order=0)
    with pytest.raises(ValueError, match="Received: n=0"):
        modified_precision(["a"], [["a"]], 0)
    with pytest.raises(ValueError, match="Received: c=-1"):
        brevity_penalty(-1, 3)
    with pytest.raises(ValueError, match="must not be empty"):
        closest_ref_length(3, [])
    with pytest.raises(ValueError, match="equal length"):
        from seqcourse.bleu import bleu_from_counts

        bleu_from_counts([1], [1, 2], 3, 3)
