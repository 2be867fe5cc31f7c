"""Tests for seqcourse.shapes: scenes, captions, mirror images and fixed splits."""

import numpy as np
import pytest

from seqcourse import shapes


@pytest.fixture(scope="module")
def scenes():
    return shapes.make_shape_scenes(300, image_size=48, seed=3)


def test_shapes_and_ranges(scenes):
    assert scenes.images.shape == (300, 48, 48, 3) and scenes.images.dtype == np.float32
    assert scenes.images.min() >= 0 and scenes.images.max() <= 1
    assert len(scenes) == 300 and set(scenes.n_shapes) == {1, 2, 3}
    assert scenes.labels.shape == (300, len(shapes.LABEL_NAMES))
    # labels mark exactly the (colour, shape) pairs that the caption names
    for caption, label in zip(scenes.captions, scenes.labels, strict=True):
        named = {name for name in shapes.LABEL_NAMES if name in caption}
        assert named == {shapes.LABEL_NAMES[i] for i in np.flatnonzero(label)}


def test_every_shape_is_visible_in_its_colour(scenes):
    # the centre pixel of every shape has its colour unless a later shape covers it (cells are
    # distinct, so they never do)
    for i in range(len(scenes)):
        for k in np.flatnonzero(scenes.shape[i] >= 0):
            x, y = scenes.center[i, k].astype(int)
            np.testing.assert_array_equal(
                scenes.images[i, y, x], shapes.COLOR_VALUES[scenes.color[i, k]]
            )


def test_caption_grammar(scenes):
    for caption, n in zip(scenes.captions, scenes.n_shapes, strict=True):
        words = caption.split()
        assert caption.count(" a ") + 1 == n and words[0] == "a"
        assert caption.count("left of") + caption.count("above") == n - 1


def test_describe_orders_left_to_right_then_top_to_bottom():
    assert shapes.describe([0, 1, 2], [0, 1, 2], [[1, 2], [1, 0], [0, 1]]) == (
        "a blue triangle left of a green square above a red circle"
    )
    assert shapes.describe([2, -1, -1], [3, 0, 0], [[0, 0], [1, 1], [2, 2]]) == "a yellow triangle"
    with pytest.raises(ValueError, match="at least one shape"):
        shapes.describe([-1, -1], [0, 0], [[0, 0], [1, 1]])


def test_deterministic_and_seed_dependent():
    a = shapes.make_shape_scenes(20, seed=1)
    b = shapes.make_shape_scenes(20, seed=1)
    c = shapes.make_shape_scenes(20, seed=2)
    np.testing.assert_array_equal(a.images, b.images)
    assert a.captions == b.captions and a.captions != c.captions


def test_mirror_has_same_histogram_but_other_caption(scenes):
    mirrored = shapes.mirror_scenes(scenes)
    np.testing.assert_array_equal(mirrored.images, scenes.images[:, :, ::-1])
    np.testing.assert_array_equal(
        shapes.color_histogram(mirrored.images), shapes.color_histogram(scenes.images)
    )
    np.testing.assert_array_equal(mirrored.labels, scenes.labels)
    changed = np.array([a != b for a, b in zip(scenes.captions, mirrored.captions, strict=True)])
    # two different shapes in different columns: the caption always changes
    two = np.flatnonzero(scenes.n_shapes == 2)
    differ = [
        i
        for i in two
        if (scenes.shape[i, 0], scenes.color[i, 0]) != (scenes.shape[i, 1], scenes.color[i, 1])
        and scenes.cell[i, 0, 0] != scenes.cell[i, 1, 0]
    ]
    assert len(differ) > 50 and np.all(changed[differ])
    assert changed.mean() > 0.5  # over all scenes
    assert sorted(scenes.captions[0].split()) == sorted(mirrored.captions[0].split())


def test_color_histogram_matches_direct_count():
    images = np.random.default_rng(0).random((3, 5, 5, 3)).astype(np.float32)
    hist = shapes.color_histogram(images, bins=2)
    q = (images >= 0.5).astype(int)
    index = q[..., 0] * 4 + q[..., 1] * 2 + q[..., 2]
    for i in range(3):
        np.testing.assert_allclose(hist[i], np.bincount(index[i].ravel(), minlength=8) / 25)


def test_splits_are_fixed_and_independent():
    a = shapes.shape_splits(10, 5, 5, image_size=32, seed=0)
    b = shapes.shape_splits(20, 5, 5, image_size=32, seed=0)
    np.testing.assert_array_equal(a.test.images, b.test.images)
    assert a.validation.captions == b.validation.captions
    assert not np.array_equal(a.train.images[:5], a.test.images)


def test_render_single_shapes():
    img = shapes.render_scenes(
        np.array([[0, 1, 2]]),
        np.array([[0, 1, 2]]),
        np.array([[[8.0, 8.0], [24.0, 8.0], [8.0, 24.0]]]),
        np.array([[4.0, 4.0, 4.0]]),
        image_size=32,
    )[0]
    area = [np.all(img == shapes.COLOR_VALUES[c], axis=-1).sum() for c in range(3)]
    # circle ~ pi r^2, square (1.7 r)^2, triangle 2 r^2 (base 2r, height 2r)
    np.testing.assert_allclose(area, [np.pi * 16, (1.7 * 4) ** 2, 32], rtol=0.3)
    assert np.all(img[0, 0] == shapes.BACKGROUND)


def test_errors():
    with pytest.raises(ValueError, match="Received: n=0"):
        shapes.make_shape_scenes(0)
    with pytest.raises(ValueError, match="Received: image_size=16"):
        shapes.make_shape_scenes(2, image_size=16)
    with pytest.raises(ValueError, match="Received: max_shapes=4"):
        shapes.make_shape_scenes(2, max_shapes=4)
    with pytest.raises(ValueError, match="Received: seed=-1"):
        shapes.make_shape_scenes(2, seed=-1)
    with pytest.raises(ValueError, match="Received: shape.shape"):
        shapes.render_scenes(
            np.zeros((2, 3), int), np.zeros((2, 2), int), np.zeros((2, 3, 2)), np.ones((2, 3))
        )
    with pytest.raises(ValueError, match="Received: shape="):
        shapes.render_scenes(
            np.full((1, 1), 5), np.zeros((1, 1), int), np.zeros((1, 1, 2)), np.ones((1, 1))
        )
    with pytest.raises(ValueError, match="Received: image_size=4"):
        shapes.render_scenes(
            np.zeros((1, 1), int),
            np.zeros((1, 1), int),
            np.zeros((1, 1, 2)),
            np.ones((1, 1)),
            image_size=4,
        )
    with pytest.raises(ValueError, match="Received: scenes=list"):
        shapes.mirror_scenes([])
    with pytest.raises(ValueError, match="Received: images.shape"):
        shapes.color_histogram(np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="Received: bins=0"):
        shapes.color_histogram(np.zeros((2, 4, 4, 3)), bins=0)
    with pytest.raises(ValueError, match="Received: n_test=0"):
        shapes.shape_splits(1, 1, 0)
