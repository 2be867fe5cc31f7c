"""Tests for seqcourse.sentiment.make_sentiment_data."""

from collections import Counter

import numpy as np
import pytest

from seqcourse.sentiment import (
    NEGATIVE,
    POSITIVE,
    make_sentiment_data,
    sentiment_vocabulary,
)


def _words(row, vocab):
    return [vocab[t] for t in row if t != 0]


def _clause_polarity(words):
    """Independent reference: polarity of a clause's predicate, negation included."""
    adjective = words[-1]
    polarity = adjective in POSITIVE
    assert adjective in POSITIVE + NEGATIVE
    return polarity != ("not" in words)


def _reference_label(words):
    if "but" in words:
        k = words.index("but")
        return int(_clause_polarity(words[k + 1 :]))
    k = words.index("though")
    return int(_clause_polarity(words[:k]))


def test_shapes_dtypes_and_vocabulary():
    tokens, labels, vocab = make_sentiment_data(200, seed=0)
    assert tokens.shape == (200, 16) and tokens.dtype == np.int32
    assert labels.shape == (200,) and labels.dtype == np.int32
    assert vocab == sentiment_vocabulary() and vocab[0] == "<pad>"
    assert len(set(vocab)) == len(vocab)
    assert tokens.min() >= 0 and tokens.max() < len(vocab)
    assert 0.4 < labels.mean() < 0.6


def test_labels_match_an_independent_parser_and_rows_are_pre_padded():
    tokens, labels, vocab = make_sentiment_data(1000, seed=1)
    for row, label in zip(tokens, labels, strict=True):
        n_pad = int((row == 0).sum())
        assert np.all(row[:n_pad] == 0) and np.all(row[n_pad:] != 0)
        words = _words(row, vocab)
        assert sum(w in ("but", "though") for w in words) == 1
        assert _reference_label(words) == label


def test_twins_have_the_same_bag_of_words_and_opposite_labels():
    tokens, labels, vocab = make_sentiment_data(1000, seed=2)
    for k in range(0, 1000, 2):
        a, b = _words(tokens[k], vocab), _words(tokens[k + 1], vocab)
        assert Counter(a) == Counter(b) and a != b
        assert labels[k] + labels[k + 1] == 1
    # Hence the best bag-of-words classifier on the pairs is at chance: any function of
    # the counts predicts the same for both twins.
    counts = np.stack([np.bincount(r, minlength=len(vocab))[1:] for r in tokens])
    assert np.all(counts[0::2] == counts[1::2])


def test_expectation_clauses_and_connectives_occur():
    tokens, _, vocab = make_sentiment_data(1000, seed=3, expectation_rate=0.3)
    sentences = [" ".join(_words(r, vocab)) for r in tokens]
    share = np.mean(["expected" in s for s in sentences])
    assert 0.2 < share < 0.4
    assert 0.4 < np.mean([" but " in s for s in sentences]) < 0.6
    tokens, _, vocab = make_sentiment_data(100, seed=3, expectation_rate=0)
    assert not any("expected" in _words(r, vocab) for r in tokens)


def test_same_seed_same_data():
    a = make_sentiment_data(50 * 2, seed=4)
    b = make_sentiment_data(50 * 2, seed=4)
    for x, y in zip(a[:2], b[:2], strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], make_sentiment_data(100, seed=5)[0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n=0), "`n` must be an integer >= 2"),
        (dict(n=True), "`n` must be an integer >= 2"),
        (dict(n=5), "`n` must be even"),
        (dict(n=4, expectation_rate=-0.1), "`expectation_rate` must be a number in"),
        (dict(n=4, expectation_rate=None), "`expectation_rate` must be a number in"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_sentiment_data(**kwargs)
