"""Tests for seqcourse.agreement.make_agreement_data."""

import numpy as np
import pytest

from seqcourse.agreement import (
    FILLERS,
    PLURAL_NOUNS,
    SINGULAR_NOUNS,
    VERBS,
    agreement_vocabulary,
    make_agreement_data,
)

DISTANCES = [2, 5, 10, 20]


def _words(row, vocab):
    return [vocab[t] for t in row if t != 0]


def test_shapes_dtypes_and_vocabulary():
    tokens, labels, distance, vocab = make_agreement_data(200, DISTANCES, seed=0)
    assert tokens.shape == (200, 22) and tokens.dtype == np.int32
    assert labels.shape == distance.shape == (200,)
    assert labels.dtype == distance.dtype == np.int32
    assert vocab == agreement_vocabulary() and vocab[0] == "<pad>"
    assert len(set(vocab)) == len(vocab)
    assert tokens.min() >= 0 and tokens.max() < len(vocab)
    assert VERBS == ("was", "were")


def test_rows_are_pre_padded_sentences_with_the_right_number_of_fillers():
    tokens, labels, distance, vocab = make_agreement_data(200, DISTANCES, seed=1)
    for row, label, d in zip(tokens, labels, distance, strict=True):
        n_pad = int((row == 0).sum())
        assert np.all(row[:n_pad] == 0)  # padding only at the front
        words = _words(row, vocab)
        assert len(words) == d + 2 and words[0] == "the"
        assert words[1] in (PLURAL_NOUNS if label == 1 else SINGULAR_NOUNS)


def test_distances_and_labels_are_balanced():
    _, labels, distance, _ = make_agreement_data(400, DISTANCES, seed=2)
    for d in DISTANCES:
        assert (distance == d).sum() == 100
        assert labels[distance == d].sum() == 50


def test_attractors_put_nouns_among_the_fillers():
    vocab = agreement_vocabulary()
    nouns = set(SINGULAR_NOUNS + PLURAL_NOUNS)
    with_attr, _, _, _ = make_agreement_data(200, [20], seed=3)
    without, _, _, _ = make_agreement_data(200, [20], seed=3, attractors=False)
    fillers_with = [w for row in with_attr for w in _words(row, vocab)[2:]]
    fillers_without = [w for row in without for w in _words(row, vocab)[2:]]
    assert set(fillers_without) <= set(FILLERS)
    assert nouns & set(fillers_with) == nouns  # every noun, both numbers, occurs as attractor


def test_same_seed_same_data():
    a = make_agreement_data(50, DISTANCES, seed=4)
    b = make_agreement_data(50, DISTANCES, seed=4)
    for x, y in zip(a[:3], b[:3], strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], make_agreement_data(50, DISTANCES, seed=5)[0])


def test_distance_zero_is_allowed():
    tokens, _, _, vocab = make_agreement_data(4, [0], seed=0)
    assert tokens.shape == (4, 2)
    assert all(_words(row, vocab)[0] == "the" for row in tokens)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n=0, distances=[1]), "`n` must be a positive integer"),
        (dict(n=True, distances=[1]), "`n` must be a positive integer"),
        (dict(n=4, distances=[]), "`distances` must be a non-empty sequence"),
        (dict(n=4, distances=[1.5]), "`distances` must be a non-empty sequence"),
        (dict(n=4, distances=[-1, 2]), "`distances` must be a non-empty sequence"),
        (dict(n=4, distances=[[1, 2]]), "`distances` must be a non-empty sequence"),
        (dict(n=4, distances=[1], attractors=1), "`attractors` must be True or False"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_agreement_data(**kwargs)
