"""Tests for seqcourse.synthetic.make_token_presence."""

import numpy as np
import pytest

from seqcourse.synthetic import make_token_presence

ARGS = dict(n_samples=400, length=12, vocab_size=9, target=4, positions=[2, 5, 11])


def test_shapes_and_dtypes():
    tokens, labels = make_token_presence(**ARGS)
    assert tokens.shape == (400, 12) and tokens.dtype == np.int32
    assert labels.shape == (400,) and labels.dtype == np.int32


def test_half_the_sequences_are_positive():
    _, labels = make_token_presence(**ARGS)
    assert set(labels.tolist()) == {0, 1}
    assert labels.sum() == 200


def test_labels_say_whether_the_target_occurs():
    tokens, labels = make_token_presence(**ARGS)
    present = np.array([4 in row for row in tokens.tolist()])
    np.testing.assert_array_equal(present, labels == 1)


def test_positives_hold_the_target_exactly_once_at_an_allowed_position():
    tokens, labels = make_token_presence(**ARGS)
    for row in tokens[labels == 1].tolist():
        where = [i for i, token in enumerate(row) if token == 4]
        assert len(where) == 1
        assert where[0] in ARGS["positions"]


def test_every_allowed_position_is_used():
    tokens, labels = make_token_presence(**ARGS)
    used = {int(np.flatnonzero(row == 4)[0]) for row in tokens[labels == 1]}
    assert used == set(ARGS["positions"])


def test_tokens_are_in_range_and_never_padding():
    tokens, labels = make_token_presence(**ARGS)
    assert tokens.min() >= 1 and tokens.max() <= ARGS["vocab_size"] - 1
    assert not np.any(tokens == 0)
    assert not np.any(tokens[labels == 0] == ARGS["target"])
    # The other tokens cover the whole vocabulary but the target (and padding).
    assert set(np.unique(tokens[labels == 0]).tolist()) == {1, 2, 3, 5, 6, 7, 8}


def test_smallest_vocabulary():
    tokens, labels = make_token_presence(4, 3, vocab_size=3, target=2, positions=[0])
    assert set(np.unique(tokens).tolist()) <= {1, 2}
    np.testing.assert_array_equal(tokens[labels == 0], 1)
    np.testing.assert_array_equal(tokens[labels == 1][:, 0], 2)


def test_same_seed_same_data():
    a = make_token_presence(**ARGS, seed=3)
    b = make_token_presence(**ARGS, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_different_seeds_differ():
    a, _ = make_token_presence(**ARGS, seed=3)
    b, _ = make_token_presence(**ARGS, seed=4)
    assert not np.array_equal(a, b)


def test_does_not_touch_the_global_random_state():
    state = np.random.get_state()  # noqa: NPY002 - checks the global generator
    make_token_presence(**ARGS)
    after = np.random.get_state()  # noqa: NPY002
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]


def test_accepts_numpy_integers_and_arrays():
    tokens, _ = make_token_presence(
        np.int64(10), np.int32(6), np.int64(5), np.int64(1), np.array([0, 3])
    )
    assert tokens.shape == (10, 6)


@pytest.mark.parametrize(
    ("changes", "received"),
    [
        ({"n_samples": 0}, "n_samples=0"),
        ({"n_samples": 2.0}, "n_samples=2.0"),
        ({"n_samples": True}, "n_samples=True"),
        ({"n_samples": 7}, "n_samples=7"),
        ({"length": 0}, "length=0"),
        ({"length": "12"}, "length='12'"),
        ({"vocab_size": 2}, "vocab_size=2"),
        ({"vocab_size": None}, "vocab_size=None"),
        ({"target": 0}, "target=0"),
        ({"target": 9}, "target=9"),
        ({"target": 4.0}, "target=4.0"),
        ({"positions": []}, "positions=[]"),
        ({"positions": [12]}, "positions=[12]"),
        ({"positions": [-1, 2]}, "positions=[-1, 2]"),
        ({"positions": [1.0, 2.0]}, "positions=[1.0, 2.0]"),
        ({"positions": [[1, 2]]}, "positions=[[1, 2]]"),
        ({"positions": 3}, "positions=3"),
        ({"positions": [True]}, "positions=[True]"),
    ],
)
def test_rejects_bad_arguments(changes, received):
    with pytest.raises(ValueError) as info:
        make_token_presence(**{**ARGS, **changes})
    assert f"Received: {received}" in str(info.value)


@pytest.mark.parametrize("seed", [-1, "0", 1.5])
def test_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="Received: seed="):
        make_token_presence(**ARGS, seed=seed)
