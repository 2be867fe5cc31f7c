"""Tests for seqcourse.tagging.make_tagging_data."""

import numpy as np
import pytest

from seqcourse.tagging import (
    AMBIGUOUS_NAMES,
    FILLERS,
    PERSON_CUES,
    PERSON_NAMES,
    PLACE_CUES,
    PLACE_NAMES,
    TAGS,
    make_tagging_data,
    tagging_vocabulary,
)


def test_shapes_dtypes_and_vocabulary():
    tokens, tags, ambiguous, vocab = make_tagging_data(300, length=10, max_gap=3, seed=0)
    assert tokens.shape == tags.shape == ambiguous.shape == (300, 10)
    assert tokens.dtype == tags.dtype == np.int32 and ambiguous.dtype == bool
    assert vocab == tagging_vocabulary() and vocab[0] == "<pad>"
    assert len(set(vocab)) == len(vocab)
    assert tokens.min() >= 1 and tokens.max() < len(vocab)  # no padding is produced
    assert set(np.unique(tags).tolist()) == {0, 1, 2} and TAGS == ("O", "PER", "LOC")


def test_tags_follow_the_words_and_the_cue_to_the_right_decides():
    tokens, tags, ambiguous, vocab = make_tagging_data(500, length=12, max_gap=3, seed=1)
    n_mentions = 0
    for row, row_tags, row_amb in zip(tokens, tags, ambiguous, strict=True):
        words = [vocab[t] for t in row]
        assert (row_tags > 0).any()  # at least one mention per row
        for t, (word, tag) in enumerate(zip(words, row_tags, strict=True)):
            if word in FILLERS or word in PERSON_CUES or word in PLACE_CUES:
                assert tag == 0
            elif word in PERSON_NAMES:
                assert tag == 1 and not row_amb[t]
            elif word in PLACE_NAMES:
                assert tag == 2 and not row_amb[t]
            else:
                assert word in AMBIGUOUS_NAMES and row_amb[t] and tag in (1, 2)
            if tag > 0:  # the next cue, 1..3 words later, agrees with the type
                n_mentions += 1
                later = [w for w in words[t + 1 : t + 4] if w in PERSON_CUES + PLACE_CUES]
                assert later and (later[0] in PERSON_CUES) == (tag == 1)
                assert all(w in FILLERS for w in words[t + 1 : words.index(later[0], t + 1)])
    assert n_mentions > 500


def test_ambiguous_names_are_balanced_and_left_context_does_not_decide():
    tokens, tags, ambiguous, _ = make_tagging_data(4000, seed=2)
    amb_tags = tags[ambiguous]
    assert 0.45 < (amb_tags == 1).mean() < 0.55
    # The same ambiguous name is a person about as often as a place.
    for name_id in np.unique(tokens[ambiguous]):
        sel = ambiguous & (tokens == name_id)
        assert 0.35 < (tags[sel] == 1).mean() < 0.65
    assert 0.4 < ambiguous[tags > 0].mean() < 0.6  # ambiguous_rate=0.5


def test_ambiguous_rate_extremes():
    _, tags, ambiguous, _ = make_tagging_data(100, ambiguous_rate=0, seed=3)
    assert not ambiguous.any()
    _, tags, ambiguous, _ = make_tagging_data(100, ambiguous_rate=1.0, seed=3)
    np.testing.assert_array_equal(ambiguous, tags > 0)


def test_same_seed_same_data():
    a = make_tagging_data(50, seed=4)
    b = make_tagging_data(50, seed=4)
    for x, y in zip(a[:3], b[:3], strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], make_tagging_data(50, seed=5)[0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n=0), "`n` must be a positive integer"),
        (dict(n=True), "`n` must be a positive integer"),
        (dict(n=4, max_gap=0), "`max_gap` must be a positive integer"),
        (dict(n=4, length=3, max_gap=3), "`length` must be an integer >= 4"),
        (dict(n=4, length=5.0), "`length` must be an integer"),
        (dict(n=4, ambiguous_rate=1.5), "`ambiguous_rate` must be a number in"),
        (dict(n=4, ambiguous_rate="half"), "`ambiguous_rate` must be a number in"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_tagging_data(**kwargs)
