"""Synthetic scenes of coloured shapes with relational captions, for image captioning.

Each scene is a dark image with 1 to 3 shapes (circle, square, triangle) in four colours,
placed in distinct cells of a 3 x 3 grid with a random offset and a random size. Its caption
names the shapes from left to right (top to bottom within a column) and the relation
between each shape and the next:

    "a red circle left of a blue square above a green triangle"

"left of" when the next shape lies in a column further right, "above" when it lies lower
in the same column. The caption is a function of the image, so a captioner can be exact,
but not of the image's colour statistics: the mirror image of a scene has the same colour
histogram and, as soon as two shapes differ and sit in different columns, another caption
(`mirror_scenes`, tested). Rendering is vectorised NumPy and deterministic for a seed.

Introduced in chapter 10.
"""

import dataclasses

import numpy as np

from seqcourse.validation import check_int

SHAPES = ("circle", "square", "triangle")
COLORS = ("red", "green", "blue", "yellow")
# RGB in [0, 1] of each colour, and of the background.
COLOR_VALUES = np.array(
    [[0.95, 0.2, 0.2], [0.2, 0.8, 0.25], [0.25, 0.4, 1.0], [0.95, 0.85, 0.2]], dtype=np.float32
)
BACKGROUND = np.array([0.08, 0.08, 0.1], dtype=np.float32)
GRID = 3  # shapes sit in distinct cells of a GRID x GRID grid
MAX_SHAPES = 3
# The auxiliary labels: one per (colour, shape) pair, "red circle", "red square", ...
LABEL_NAMES = tuple(f"{c} {s}" for c in COLORS for s in SHAPES)


@dataclasses.dataclass
class ShapeScenes:
    """A set of rendered scenes and what is in them.

    Attributes:
        images: float32 array ``(n, size, size, 3)``, values in ``[0, 1]``.
        captions: list of ``n`` caption strings.
        labels: float32 array ``(n, len(LABEL_NAMES))``, 1 where a (colour, shape) pair is
            present: the targets of the auxiliary classification task.
        shape: int array ``(n, MAX_SHAPES)``, index into `SHAPES`, -1 for an unused slot.
        color: int array ``(n, MAX_SHAPES)``, index into `COLORS`, -1 for an unused slot.
        cell: int array ``(n, MAX_SHAPES, 2)``, (column, row) of each shape's grid cell.
        center: float array ``(n, MAX_SHAPES, 2)``, (x, y) of each centre, in pixels.
        radius: float array ``(n, MAX_SHAPES)``, half the size of each shape, in pixels.
    """

    images: np.ndarray
    captions: list
    labels: np.ndarray
    shape: np.ndarray
    color: np.ndarray
    cell: np.ndarray
    center: np.ndarray
    radius: np.ndarray

    def __len__(self):
        return len(self.captions)

    @property
    def n_shapes(self):
        """Number of shapes in each scene, int array ``(n,)``."""
        return (self.shape >= 0).sum(axis=1)


def _mask(shape, center, radius, size):
    # (n, size, size) boolean mask of one slot; pixel centres at i + 0.5 so that mirroring
    # is exact.
    coords = np.arange(size, dtype=np.float32) + 0.5
    dx = np.abs(coords[None, None, :] - center[:, 0, None, None].astype(np.float32))
    dy = coords[None, :, None] - center[:, 1, None, None].astype(np.float32)
    r = radius[:, None, None].astype(np.float32)
    kind = shape[:, None, None]
    circle = (kind == 0) & (dx * dx + dy * dy <= r * r)
    square = (kind == 1) & (dx <= 0.85 * r) & (np.abs(dy) <= 0.85 * r)
    triangle = (kind == 2) & (np.abs(dy) <= r) & (dx <= (dy + r) / 2)  # apex up, base 2r
    return circle | square | triangle


def render_scenes(shape, color, center, radius, *, image_size=64):
    """Draws scenes given their shapes, colours, centres and sizes.

    Introduced in chapter 10.

    Args:
        shape: int array ``(n, K)``, index into `SHAPES`; -1 leaves a slot empty.
        color: int array ``(n, K)``, index into `COLORS`.
        center: float array ``(n, K, 2)``, (x, y) in pixels (0 at the top-left corner).
        radius: float array ``(n, K)``, half the size of each shape in pixels.
        image_size: Side of the square images in pixels (>= 8). Default: 64.

    Returns:
        float32 images ``(n, image_size, image_size, 3)``; later slots are drawn on top.

    Example:

    >>> img = render_scenes(np.array([[0]]), np.array([[2]]), np.array([[[8.0, 8.0]]]),
    ...                     np.array([[4.0]]), image_size=16)
    >>> img.shape, img[0, 8, 8].tolist() == COLOR_VALUES[2].tolist()
    ((1, 16, 16, 3), True)
    """
    image_size = check_int(image_size, "image_size", 8)
    shape, color = np.asarray(shape), np.asarray(color)
    center, radius = np.asarray(center, dtype=np.float64), np.asarray(radius, dtype=np.float64)
    if (
        shape.ndim != 2
        or color.shape != shape.shape
        or radius.shape != shape.shape
        or center.shape != (*shape.shape, 2)
    ):
        raise ValueError(
            "Expected shape, color, radius (n, K) and center (n, K, 2). Received: "
            f"shape.shape={shape.shape}, color.shape={color.shape}, "
            f"center.shape={center.shape}, radius.shape={radius.shape}"
        )
    if np.any(shape >= len(SHAPES)) or np.any((shape >= 0) & ((color < 0) | (color >= 4))):
        raise ValueError(
            f"`shape` must be in -1..{len(SHAPES) - 1} and `color` in 0..{len(COLORS) - 1} "
            f"for every drawn shape. Received: shape={shape.tolist()}, color={color.tolist()}"
        )
    n = shape.shape[0]
    images = np.broadcast_to(BACKGROUND, (n, image_size, image_size, 3)).copy()
    for k in range(shape.shape[1]):
        mask = _mask(shape[:, k], center[:, k], radius[:, k], image_size)
        rows, ys, xs = np.nonzero(mask)
        images[rows, ys, xs] = COLOR_VALUES[color[rows, k]]
    return images


def describe(shape, color, cell):
    """The caption of one scene: its shapes left to right, joined by their relations.

    Introduced in chapter 10.

    Args:
        shape: ints ``(K,)``, index into `SHAPES`, -1 for an empty slot.
        color: ints ``(K,)``, index into `COLORS`.
        cell: ints ``(K, 2)``, (column, row) of each shape's grid cell (all distinct).

    Returns:
        The caption, e.g. ``"a red circle left of a blue square"``.

    Example:

    >>> describe([0, 1, -1], [0, 2, 0], [[2, 0], [0, 1], [0, 0]])
    'a blue square left of a red circle'
    """
    used = [k for k in range(len(shape)) if shape[k] >= 0]
    if not used:
        raise ValueError(f"A scene needs at least one shape. Received: shape={list(shape)}")
    used.sort(key=lambda k: (cell[k][0], cell[k][1]))
    words = []
    for i, k in enumerate(used):
        if i > 0:
            words.append("left of" if cell[k][0] != cell[used[i - 1]][0] else "above")
        words.append(f"a {COLORS[color[k]]} {SHAPES[shape[k]]}")
    return " ".join(words)


def _labels(shape, color):
    labels = np.zeros((shape.shape[0], len(LABEL_NAMES)), dtype=np.float32)
    rows, slots = np.nonzero(shape >= 0)
    labels[rows, color[rows, slots] * len(SHAPES) + shape[rows, slots]] = 1.0
    return labels


def _scenes(shape, color, cell, center, radius, image_size):
    images = render_scenes(shape, color, center, radius, image_size=image_size)
    captions = [describe(s, c, g) for s, c, g in zip(shape, color, cell, strict=True)]
    return ShapeScenes(images, captions, _labels(shape, color), shape, color, cell, center, radius)


def make_shape_scenes(n, *, image_size=64, max_shapes=3, seed=0):
    """Generates `n` random scenes of 1 to `max_shapes` coloured shapes with captions.

    Shapes, colours and grid cells are drawn uniformly (a colour or a shape may repeat),
    the number of shapes uniformly from 1..max_shapes; each shape is shifted by up to 12 %
    of a grid cell from the cell's centre and has a half-size of 22 %–34 % of a cell.

    Introduced in chapter 10.

    Args:
        n: Number of scenes (positive integer).
        image_size: Side of the images in pixels (>= 24). Default: 64.
        max_shapes: Largest number of shapes, 1..3. Default: 3.
        seed: Seed of the NumPy generator (an integer >= 0).

    Returns:
        A `ShapeScenes`.

    Example:

    >>> scenes = make_shape_scenes(4, image_size=32, seed=0)
    >>> scenes.images.shape, len(scenes.captions), scenes.labels.shape
    ((4, 32, 32, 3), 4, (4, 12))
    """
    n = check_int(n, "n", 1)
    image_size = check_int(image_size, "image_size", 24)
    max_shapes = check_int(max_shapes, "max_shapes", 1)
    if max_shapes > MAX_SHAPES:
        raise ValueError(
            f"`max_shapes` must be at most {MAX_SHAPES}. Received: max_shapes={max_shapes}"
        )
    seed = check_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    count = rng.integers(1, max_shapes + 1, size=n)
    shape = rng.integers(0, len(SHAPES), size=(n, MAX_SHAPES))
    color = rng.integers(0, len(COLORS), size=(n, MAX_SHAPES))
    shape[np.arange(MAX_SHAPES)[None, :] >= count[:, None]] = -1
    # Distinct cells: the first MAX_SHAPES of a random permutation of the GRID*GRID cells.
    cells = np.argsort(rng.random((n, GRID * GRID)), axis=1)[:, :MAX_SHAPES]
    cell = np.stack([cells % GRID, cells // GRID], axis=-1)  # (column, row)
    step = image_size / GRID
    offset = rng.uniform(-0.12, 0.12, size=(n, MAX_SHAPES, 2)) * step
    center = (cell + 0.5) * step + offset
    radius = rng.uniform(0.22, 0.34, size=(n, MAX_SHAPES)) * step
    return _scenes(shape, color, cell, center, radius, image_size)


def mirror_scenes(scenes):
    """The left-right mirror images of `scenes`, re-rendered, with their own captions.

    The mirror image has exactly the pixels of ``scenes.images[:, :, ::-1]`` (every shape
    is left-right symmetric), hence the same colour histogram, but its caption lists the
    shapes in another order whenever two different shapes sit in different columns.

    Introduced in chapter 10.

    Args:
        scenes: A `ShapeScenes`.

    Returns:
        A `ShapeScenes` with mirrored geometry.

    Example:

    >>> scenes = make_shape_scenes(3, image_size=32, seed=1)
    >>> mirrored = mirror_scenes(scenes)
    >>> bool(np.array_equal(mirrored.images, scenes.images[:, :, ::-1]))
    True
    """
    if not isinstance(scenes, ShapeScenes):
        raise ValueError(
            f"`scenes` must be a ShapeScenes. Received: scenes={type(scenes).__name__}"
        )
    size = scenes.images.shape[1]
    cell = scenes.cell.copy()
    cell[..., 0] = GRID - 1 - cell[..., 0]
    center = scenes.center.copy()
    center[..., 0] = size - center[..., 0]
    return _scenes(scenes.shape, scenes.color, cell, center, scenes.radius, size)


def color_histogram(images, bins=4):
    """Normalised joint RGB histogram of each image, ``(n, bins**3)``: image statistics
    that ignore where each colour is.

    Introduced in chapter 10.

    Args:
        images: float array ``(n, height, width, 3)`` with values in ``[0, 1]``.
        bins: Bins per channel (positive integer). Default: 4.

    Returns:
        float array ``(n, bins**3)`` whose rows sum to 1.

    Example:

    >>> color_histogram(np.zeros((2, 4, 4, 3)), bins=2).sum(axis=1).tolist()
    [1.0, 1.0]
    """
    bins = check_int(bins, "bins", 1)
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(
            f"`images` must have shape (n, height, width, 3). Received: images.shape={images.shape}"
        )
    q = np.clip((images * bins).astype(int), 0, bins - 1)
    index = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    n = images.shape[0]
    flat = index.reshape(n, -1) + (np.arange(n) * bins**3)[:, None]
    counts = np.bincount(flat.ravel(), minlength=n * bins**3).reshape(n, bins**3)
    return counts / counts.sum(axis=1, keepdims=True)


@dataclasses.dataclass
class ShapeSplits:
    """Fixed train/validation/test splits of shape scenes (`ShapeScenes` each)."""

    train: ShapeScenes
    validation: ShapeScenes
    test: ShapeScenes


def shape_splits(n_train=4000, n_validation=500, n_test=500, *, image_size=64, seed=0):
    """Fixed, independent train/validation/test sets of scenes.

    Each split is drawn from its own generator, spawned from `seed`, so a split does not
    change when the size of another one does.

    Introduced in chapter 10.

    Args:
        n_train, n_validation, n_test: Split sizes (positive integers).
        image_size: Side of the images in pixels. Default: 64.
        seed: Seed (an integer >= 0). Default: 0.

    Returns:
        A `ShapeSplits`.

    Example:

    >>> splits = shape_splits(8, 2, 2, image_size=32)
    >>> len(splits.train), len(splits.validation), len(splits.test)
    (8, 2, 2)
    """
    seed = check_int(seed, "seed", 0)
    sizes = {
        "n_train": check_int(n_train, "n_train", 1),
        "n_validation": check_int(n_validation, "n_validation", 1),
        "n_test": check_int(n_test, "n_test", 1),
    }
    children = np.random.SeedSequence(seed).spawn(3)
    seeds = [int(c.generate_state(1)[0]) for c in children]
    parts = [
        make_shape_scenes(n, image_size=image_size, seed=s)
        for n, s in zip(sizes.values(), seeds, strict=True)
    ]
    return ShapeSplits(*parts)
