"""Image captioning: a CNN encoder and an RNN decoder, with and without attention.

The encoder turns an image into a grid of feature vectors ``(rows, cols, channels)``: a
small CNN pretrained here on an auxiliary classification task (`conv_encoder`,
`label_classifier`), or an ImageNet-pretrained Keras application (`pretrained_encoder`,
opt-in, the weights download at run time). The decoder, a `Captioner`, generates the
caption word by word, conditioned on the image in one of three ways:

- ``"input"``: a vector ``v`` summarising the image enters the recurrence at every step,
  ``h<t> = tanh(W_hx x<t> + W_hh h<t-1> + W_hv v + b_h)`` (`ImageConditionedRNNCell`);
- ``"init"``: ``v`` initialises the state, ``h<0> = tanh(W_0 v + b_0)``, and the recurrence
  is the simple RNN of chapter 2;
- ``"attention"``: at every step the previous state attends over the grid cells (additive
  attention, `seqcourse.attention.AdditiveAttention`) and the context vector enters a GRU,
  as in Show, Attend and Tell (Xu et al. 2015); `add_grid_positions` appends each cell's
  row and column to its features, so that the context also says where the decoder looked.

A `Captioner` takes ``(features, decoder_input)`` and returns logits ``(N, T_y, V)`` for
teacher-forced training, and exposes a step function for `seqcourse.decoding`
(`Captioner.decoding_start`). The encoder runs once per image, not once per step: its
output is part of the decoder state.

Introduced in chapter 10.
"""

import csv
import pathlib

import keras
import numpy as np
from keras import ops

from seqcourse import bleu, datasets
from seqcourse.attention import AdditiveAttention
from seqcourse.seq2seq import decode_batches
from seqcourse.validation import check_float_array, check_int

CONDITIONINGS = ("input", "init", "attention")
ENCODERS = ("mobilenet_v2",)


# ----------------------------------------------------------------------------- encoders


def conv_encoder(image_size=64, filters=(16, 32, 64), name="cnn_encoder"):
    """A small CNN that maps images to a grid of feature vectors.

    Each block is a 3 x 3 convolution (ReLU, "same" padding) followed by 2 x 2 max pooling,
    so the grid has side ``image_size / 2**len(filters)``.

    Introduced in chapter 10.

    Args:
        image_size: Side of the square RGB input images (a positive multiple of
            ``2**len(filters)``). Default: 64.
        filters: Number of filters of each block. Default: ``(16, 32, 64)`` (an 8 x 8 grid of
            64 features for 64 x 64 images).
        name: Name of the model.

    Returns:
        A `keras.Sequential` from ``(N, image_size, image_size, 3)`` to
        ``(N, grid, grid, filters[-1])``.

    Example:

    >>> tuple(conv_encoder(32, (8, 16)).output_shape)
    (None, 8, 8, 16)
    """
    filters = tuple(filters) if isinstance(filters, list | tuple) else (filters,)
    if not filters:
        raise ValueError(f"`filters` must not be empty. Received: filters={filters}")
    filters = tuple(check_int(f, "filters", 1) for f in filters)
    image_size = check_int(image_size, "image_size", 1)
    if image_size % 2 ** len(filters):
        raise ValueError(
            f"`image_size` must be a multiple of 2**len(filters) = {2 ** len(filters)}. "
            f"Received: image_size={image_size}"
        )
    model = keras.Sequential([keras.Input((image_size, image_size, 3))], name=name)
    for k, f in enumerate(filters):
        model.add(keras.layers.Conv2D(f, 3, padding="same", activation="relu", name=f"conv{k}"))
        model.add(keras.layers.MaxPooling2D(2, name=f"pool{k}"))
    return model


def label_classifier(encoder, n_labels):
    """The encoder with a multi-label classification head: max-pooling over the grid and
    one logit per label. Trained with ``BinaryCrossentropy(from_logits=True)``, then the
    head is dropped ("chop off the last layer") and ``encoder`` is kept.

    Introduced in chapter 10.

    Args:
        encoder: A model from images to a grid ``(N, rows, cols, channels)``.
        n_labels: Number of labels (positive integer).

    Returns:
        A `keras.Sequential` from images to logits ``(N, n_labels)``; its first layer is
        `encoder` itself (weights shared).

    Example:

    >>> tuple(label_classifier(conv_encoder(16, (4,)), 5).output_shape)
    (None, 5)
    """
    n_labels = check_int(n_labels, "n_labels", 1)
    if not isinstance(encoder, keras.Model) or len(encoder.output_shape) != 4:
        raise ValueError(
            "`encoder` must be a Keras model with a 4-D output (N, rows, cols, channels). "
            f"Received: encoder={encoder!r}"
        )
    return keras.Sequential(
        [
            keras.Input(encoder.input_shape[1:]),
            encoder,
            keras.layers.GlobalMaxPooling2D(name="max_over_grid"),
            keras.layers.Dense(n_labels, name="label_logits"),
        ],
        name="label_classifier",
    )


def pretrained_encoder(name="mobilenet_v2", *, image_size=224, weights="imagenet"):
    """An ImageNet-pretrained Keras application without its classifier, as a grid encoder.

    The model takes images with values in ``[0, 1]`` (as `conv_encoder` does) and applies
    the application's own preprocessing. With ``weights="imagenet"`` the weights are
    downloaded by Keras the first time (Colab); ``weights=None`` gives the same architecture
    with random weights (for tests offline).

    Introduced in chapter 10.

    Args:
        name: One of `ENCODERS` (``"mobilenet_v2"``).
        image_size: Side of the square input images (>= 32). Default: 224.
        weights: ``"imagenet"`` or None.

    Returns:
        A frozen `keras.Model` from ``(N, image_size, image_size, 3)`` to the last
        convolutional feature map, e.g. ``(N, 7, 7, 1280)`` for 224 x 224 images.

    Example:

    >>> model = pretrained_encoder(image_size=32, weights=None)  # doctest: +SKIP
    >>> tuple(model.output_shape)  # doctest: +SKIP
    (None, 1, 1, 1280)
    """
    if name not in ENCODERS:
        raise ValueError(f"`name` must be one of {ENCODERS}. Received: name={name!r}")
    image_size = check_int(image_size, "image_size", 32)
    if weights not in ("imagenet", None):
        raise ValueError(f"`weights` must be 'imagenet' or None. Received: weights={weights!r}")
    backbone = keras.applications.MobileNetV2(
        input_shape=(image_size, image_size, 3), include_top=False, weights=weights
    )
    backbone.trainable = False
    inputs = keras.Input((image_size, image_size, 3))
    scaled = keras.layers.Rescaling(2.0, offset=-1.0)(inputs)  # [0, 1] -> [-1, 1]
    return keras.Model(inputs, backbone(scaled, training=False), name=f"{name}_encoder")


def load_caption_directory(directory, captions_file, *, image_size=224, max_images=None):
    """Loads a directory of images and a captions file, e.g. Flickr8k.

    Two caption formats are read: Flickr8k's ``Flickr8k.token.txt`` (lines
    ``image.jpg#0<TAB>A caption .``) and a CSV file with a header ``image,caption`` (one row
    per caption). Images are resized to ``image_size`` x ``image_size``, scaled to
    ``[0, 1]``. Nothing is downloaded here: Flickr8k may be used for research only and is
    not redistributed with the course; `fetch_flickr8k` downloads it on request.

    Introduced in chapter 10.

    Args:
        directory: Folder holding the images.
        captions_file: Path of the captions file.
        image_size: Side of the loaded images (positive integer). Default: 224.
        max_images: Load at most this many images (in sorted file-name order); None: all.

    Returns:
        ``(images, captions, names)``: float32 ``(n, image_size, image_size, 3)``, a list of
        ``n`` lists of caption strings (one or more per image) and the ``n`` file names.

    Example:

    >>> images, captions, names = load_caption_directory("Flicker8k_Dataset",
    ...     "Flickr8k.token.txt", max_images=100)  # doctest: +SKIP
    """
    directory, captions_file = pathlib.Path(directory), pathlib.Path(captions_file)
    image_size = check_int(image_size, "image_size", 1)
    if max_images is not None:
        max_images = check_int(max_images, "max_images", 1)
    if not directory.is_dir() or not captions_file.is_file():
        raise ValueError(
            "`directory` must be a folder and `captions_file` a file. "
            f"Received: directory={str(directory)!r}, captions_file={str(captions_file)!r}"
        )
    by_image = {}
    text = captions_file.read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    if first.replace(" ", "").lower().startswith("image,caption"):
        for row in csv.DictReader(text.splitlines()):
            row = {k.strip().lower(): v for k, v in row.items()}
            by_image.setdefault(row["image"].strip(), []).append(row["caption"].strip())
    else:
        for line in text.splitlines():
            if "\t" not in line:
                continue
            key, caption = line.split("\t", 1)
            by_image.setdefault(key.split("#")[0].strip(), []).append(caption.strip())
    names = sorted(n for n in by_image if (directory / n).is_file())
    if not names:
        raise ValueError(
            f"No image of the captions file was found in the directory. Received: "
            f"directory={str(directory)!r}, captions_file={str(captions_file)!r}"
        )
    names = names[:max_images] if max_images else names
    images = np.stack(
        [
            keras.utils.img_to_array(
                keras.utils.load_img(directory / n, target_size=(image_size, image_size))
            )
            / 255.0
            for n in names
        ]
    ).astype(np.float32)
    return images, [by_image[n] for n in names], names


def fetch_flickr8k(*, cache_dir=None, registry=None):
    """Downloads Flickr8k (opt-in, for Colab) and returns where its images and captions are.

    Both archives registered in `seqcourse.datasets.ONLINE` (about 1 GB of photographs and
    the captions) are downloaded once, checked against their published md5, and extracted.
    Flickr8k may be used for research only: by calling this you accept its terms. The
    course never redistributes it, and its tests and CI never download it.

    Introduced in chapter 10.

    Args:
        cache_dir: Folder for the download; defaults to Keras's (``~/.keras``).
        registry: Mapping of names to `seqcourse.datasets.OnlineFile`; defaults to
            `seqcourse.datasets.ONLINE` (tests pass their own).

    Returns:
        ``(image_directory, captions_file)``: the arguments of `load_caption_directory`.

    Example:

    >>> images, captions, names = load_caption_directory(*fetch_flickr8k())  # doctest: +SKIP
    """
    image_directory = datasets.fetch_online_archive(
        "flickr8k_images", cache_dir=cache_dir, registry=registry
    )
    captions_file = datasets.fetch_online_archive(
        "flickr8k_text", cache_dir=cache_dir, registry=registry
    )
    return image_directory, captions_file


def add_grid_positions(grids):
    """Appends to every cell of feature grids a one-hot code of its row and of its column.

    An attention decoder reads the grid through a weighted average of its cells, which
    keeps *what* is in the attended cells but not *where* they are. With the position
    channels, the average also holds the attended row and column (the attention-weighted
    mean of their one-hot codes), so the decoder can tell "left of" from "above". The
    channels play the role of the positional encodings of the Transformer (chapter 9).

    Introduced in chapter 10.

    Args:
        grids: Float array ``(N, rows, cols, channels)``.

    Returns:
        float32 ``(N, rows, cols, channels + rows + cols)``: the features, then the one-hot
        row (``rows`` channels), then the one-hot column (``cols`` channels).

    Example:

    >>> add_grid_positions(np.zeros((2, 3, 4, 5))).shape
    (2, 3, 4, 12)
    """
    grids = check_float_array(grids, "grids", 4)
    n, rows, cols, _ = grids.shape
    row_code = np.broadcast_to(
        np.eye(rows, dtype=np.float32)[None, :, None, :], (n, rows, cols, rows)
    )
    col_code = np.broadcast_to(
        np.eye(cols, dtype=np.float32)[None, None, :, :], (n, rows, cols, cols)
    )
    return np.concatenate([grids.astype(np.float32), row_code, col_code], axis=-1)


# ----------------------------------------------------------------------------- the decoder cell


@keras.saving.register_keras_serializable(package="seqcourse")
class ImageConditionedRNNCell(keras.layers.Layer):
    """A simple RNN cell whose recurrence also sees an image vector ``v`` at every step:
    ``h<t> = tanh(W_hx x<t> + W_hh h<t-1> + W_hv v + b_h)``.

    Keras 3 cells take one input tensor per step, so the cell receives ``[x<t>; v]``, the
    concatenation of the step's input (``n_x`` features) and the image vector (``image_dim``
    features), and splits it. Weights, in Keras's transposed layout: ``kernel``
    ``(n_x, units)`` = ``W_hx^T``, ``image_kernel`` ``(image_dim, units)`` = ``W_hv^T``,
    ``recurrent_kernel`` ``(units, units)`` = ``W_hh^T``, ``bias`` ``(units,)`` = ``b_h``.

    Introduced in chapter 10.

    Args:
        units: Positive integer, the size ``n_h`` of the state.
        image_dim: Positive integer, the size of ``v``, the last ``image_dim`` input features.
        kernel_initializer, recurrent_initializer, bias_initializer: Initializers, as in
            `keras.layers.SimpleRNNCell`.
        **kwargs: Base layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: ``(batch, n_x + image_dim)``, i.e. ``[x<t>; v]``.
        states: ``[h<t-1>]`` or ``h<t-1>``, ``(batch, units)``.

    Returns:
        ``(h<t>, [h<t>])``.

    Example:

    >>> cell = ImageConditionedRNNCell(4, image_dim=2)
    >>> layer = keras.layers.RNN(cell, return_sequences=True)
    >>> tuple(layer(np.ones((3, 5, 6), "float32")).shape)
    (3, 5, 4)
    """

    def __init__(
        self,
        units,
        image_dim,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        units = check_int(units, "units", 1)
        image_dim = check_int(image_dim, "image_dim", 1)
        super().__init__(**kwargs)
        self.units, self.image_dim = units, image_dim
        self.state_size = units
        self.output_size = units
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        n_x = input_shape[-1] - self.image_dim
        if n_x < 1:
            raise ValueError(
                f"The input must hold x<t> and v ({self.image_dim} features): more than "
                f"{self.image_dim} features. Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(n_x, self.units), name="kernel", initializer=self.kernel_initializer
        )
        self.image_kernel = self.add_weight(
            shape=(self.image_dim, self.units),
            name="image_kernel",
            initializer=self.kernel_initializer,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
        )
        self.bias = self.add_weight(
            shape=(self.units,), name="bias", initializer=self.bias_initializer
        )

    def call(self, inputs, states, training=False):
        nested = isinstance(states, list | tuple)
        h_prev = states[0] if nested else states
        x_t, v = inputs[..., : -self.image_dim], inputs[..., -self.image_dim :]
        h = ops.tanh(
            ops.matmul(x_t, self.kernel)
            + ops.matmul(h_prev, self.recurrent_kernel)
            + ops.matmul(v, self.image_kernel)
            + self.bias
        )
        return h, ([h] if nested else h)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def get_config(self):
        config = {
            "units": self.units,
            "image_dim": self.image_dim,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
        return {**super().get_config(), **config}


def image_rnn_forward(x, v, h0, params):
    """NumPy reference of the image-conditioned RNN over a batch of sequences.

    ``h<t> = tanh(W_hx x<t> + W_hh h<t-1> + W_hv v + b_h)``, batch-first with row vectors.

    Introduced in chapter 10.

    Args:
        x: Inputs ``(batch, time, n_x)``.
        v: Image vectors ``(batch, n_v)``, the same at every step.
        h0: Initial states ``(batch, n_h)``.
        params: Dict of float arrays ``W_hh`` ``(n_h, n_h)``, ``W_hx`` ``(n_h, n_x)``,
            ``W_hv`` ``(n_h, n_v)``, ``b_h`` ``(n_h,)``.

    Returns:
        States ``h<1>..h<T>``, ``(batch, time, n_h)``.

    Example:

    >>> p = {"W_hh": np.eye(2), "W_hx": np.ones((2, 3)), "W_hv": np.ones((2, 1)),
    ...      "b_h": np.zeros(2)}
    >>> image_rnn_forward(np.zeros((1, 4, 3)), np.zeros((1, 1)), np.zeros((1, 2)), p).shape
    (1, 4, 2)
    """
    if not isinstance(params, dict) or any(k not in params for k in ("W_hh", "W_hx", "W_hv")):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(
            f"`params` must be a dict with keys W_hh, W_hx, W_hv, b_h. Received: params={got}"
        )
    x = check_float_array(x, "x", 3)
    v = check_float_array(v, "v", 2)
    h0 = check_float_array(h0, "h0", 2)
    W_hh, W_hx, W_hv, b_h = (np.asarray(params[k]) for k in ("W_hh", "W_hx", "W_hv", "b_h"))
    n_h = W_hh.shape[0]
    if (
        W_hx.shape != (n_h, x.shape[2])
        or W_hv.shape != (n_h, v.shape[1])
        or b_h.shape != (n_h,)
        or v.shape[0] != x.shape[0]
        or h0.shape != (x.shape[0], n_h)
    ):
        raise ValueError(
            "Inconsistent shapes. Received: "
            f"x.shape={x.shape}, v.shape={v.shape}, h0.shape={h0.shape}, "
            f"W_hh.shape={W_hh.shape}, W_hx.shape={W_hx.shape}, W_hv.shape={W_hv.shape}, "
            f"b_h.shape={b_h.shape}"
        )
    image_term = v @ W_hv.T  # the same at every step
    hs, h = [], h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W_hx.T + h @ W_hh.T + image_term + b_h)
        hs.append(h)
    return np.stack(hs, axis=1)


# ----------------------------------------------------------------------------- the captioner


@keras.saving.register_keras_serializable(package="seqcourse")
class Captioner(keras.Model):
    """An RNN decoder that writes a caption for an image's feature grid.

    Introduced in chapter 10.

    Args:
        vocab_size: Size ``V`` of the target vocabulary (positive integer).
        conditioning: How the decoder sees the image: ``"input"``, ``"init"`` or
            ``"attention"`` (module docstring).
        units: Size ``n_h`` of the decoder state. Default: 128.
        embedding_dim: Size of the word embeddings. Default: 32.
        image_dim: Size of the image vector ``v`` (``"input"``, ``"init"``): a dense layer
            (ReLU) on the flattened grid, which keeps where things are. Default: 128.
        attention_units: Size of the additive attention's hidden layer. Default: 64.
        encoder: Optional model from images to a grid; then the inputs are images and the
            encoder is part of the model (trainable or not, as set on it). Default: None,
            the inputs are precomputed grids ``(N, rows, cols, channels)``.
        **kwargs: Base model arguments (``name``, ...).

    Call arguments:
        inputs: ``(images_or_grids, decoder_input)``, the second int ``(N, T_y)``, starting
            with the start token (teacher forcing).

    Returns:
        Logits ``(N, T_y, V)``.

    Example:

    >>> model = Captioner(20, "attention", units=8, embedding_dim=4, attention_units=4)
    >>> logits = model((np.ones((2, 3, 3, 5), "float32"), np.ones((2, 6), "int32")))
    >>> tuple(logits.shape)
    (2, 6, 20)
    """

    def __init__(
        self,
        vocab_size,
        conditioning="attention",
        *,
        units=128,
        embedding_dim=32,
        image_dim=128,
        attention_units=64,
        encoder=None,
        **kwargs,
    ):
        vocab_size = check_int(vocab_size, "vocab_size", 1)
        if conditioning not in CONDITIONINGS:
            raise ValueError(
                f"`conditioning` must be one of {CONDITIONINGS}. "
                f"Received: conditioning={conditioning!r}"
            )
        units = check_int(units, "units", 1)
        embedding_dim = check_int(embedding_dim, "embedding_dim", 1)
        image_dim = check_int(image_dim, "image_dim", 1)
        attention_units = check_int(attention_units, "attention_units", 1)
        super().__init__(**kwargs)
        self.vocab_size, self.conditioning, self.units = vocab_size, conditioning, units
        self.embedding_dim, self.image_dim = embedding_dim, image_dim
        self.attention_units = attention_units
        self.encoder = encoder
        self.embedding = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")
        self.output_layer = keras.layers.Dense(vocab_size, name="logits")
        if conditioning == "attention":
            self.init_state = keras.layers.Dense(units, activation="tanh", name="init_state")
            self.attention = AdditiveAttention(attention_units, name="attention")
            self.cell = keras.layers.GRUCell(units, name="gru_cell")
        else:
            self.flatten = keras.layers.Flatten(name="flatten_grid")
            self.image_vector = keras.layers.Dense(image_dim, activation="relu", name="v")
            if conditioning == "input":
                self.cell = ImageConditionedRNNCell(units, image_dim, name="image_rnn_cell")
            else:
                self.init_state = keras.layers.Dense(units, activation="tanh", name="init_state")
                self.cell = keras.layers.SimpleRNNCell(units, name="rnn_cell")
            self.rnn = keras.layers.RNN(self.cell, return_sequences=True, name="rnn")

    def encode(self, images_or_grids, training=False):
        """The decoder's view of the image: a dict with the ``"grid"`` ``(N, L, C)`` (the
        ``L = rows * cols`` cells) and, without attention, the vector ``"v"`` ``(N, image_dim)``.
        """
        grid = images_or_grids
        if self.encoder is not None:
            grid = self.encoder(grid, training=training)
        shape = ops.shape(grid)
        cells = ops.reshape(grid, (shape[0], shape[1] * shape[2], shape[3]))
        if self.conditioning == "attention":
            return {"grid": cells}
        return {"grid": cells, "v": self.image_vector(self.flatten(grid))}

    def initial_state(self, encoded):
        """The decoder state before the first word (a tuple: state, then the image)."""
        if self.conditioning == "attention":
            h0 = self.init_state(ops.mean(encoded["grid"], axis=1))  # Xu et al.: mean annotation
            return (h0, encoded["grid"])
        v = encoded["v"]
        if self.conditioning == "init":
            return (self.init_state(v), v)
        return (ops.zeros((ops.shape(v)[0], self.units), dtype=v.dtype), v)

    def step(self, tokens, state):
        """One decoder step: ``(logits (N, V), new_state, attention weights (N, L) or None)``."""
        h, image = state
        x = self.embedding(tokens)
        weights = None
        if self.conditioning == "attention":
            context, weights = self.attention(h, image)  # query h<t-1> over the grid cells
            h, _ = self.cell(ops.concatenate([x, context], axis=-1), [h])
            logits = self.output_layer(ops.concatenate([h, context], axis=-1))
        else:
            cell_input = ops.concatenate([x, image], axis=-1) if self.conditioning == "input" else x
            h, _ = self.cell(cell_input, [h])
            logits = self.output_layer(h)
        return logits, (h, image), weights

    def call(self, inputs, training=False, return_attention=False):
        images_or_grids, decoder_input = inputs
        state = self.initial_state(self.encode(images_or_grids, training=training))
        if self.conditioning != "attention":
            h0, v = state
            x = self.embedding(decoder_input)  # (N, T_y, embedding_dim)
            if self.conditioning == "input":
                steps = ops.shape(x)[1]
                repeated = ops.repeat(ops.expand_dims(v, 1), steps, axis=1)
                x = ops.concatenate([x, repeated], axis=-1)  # [x<t>; v] at every step
            return self.output_layer(self.rnn(x, initial_state=[h0]))
        logits, maps = [], []
        for t in range(decoder_input.shape[1]):  # unrolled: T_y is static
            step_logits, state, weights = self.step(decoder_input[:, t], state)
            logits.append(step_logits)
            maps.append(weights)
        logits = ops.stack(logits, axis=1)
        return (logits, ops.stack(maps, axis=1)) if return_attention else logits

    def decoding_start(self, images_or_grids):
        """``(step_fn, initial_state)`` for `seqcourse.decoding`; the encoder runs once here.

        ``step_fn(prev_tokens, state)`` returns NumPy log-probabilities ``(N, V)``.
        """
        state = self.initial_state(self.encode(images_or_grids))

        def step_fn(prev_tokens, state):
            logits, new_state, _ = self.step(ops.convert_to_tensor(prev_tokens), state)
            return np.asarray(ops.log_softmax(logits, axis=-1), dtype=np.float64), new_state

        return step_fn, state

    def get_config(self):
        config = {
            "vocab_size": self.vocab_size,
            "conditioning": self.conditioning,
            "units": self.units,
            "embedding_dim": self.embedding_dim,
            "image_dim": self.image_dim,
            "attention_units": self.attention_units,
        }
        return {**super().get_config(), **config}


# ----------------------------------------------------------------------------- data and metrics


def encode_captions(captions, vocab, *, max_length=None):
    """Teacher-forcing arrays for captions: ``(decoder_input, decoder_target)``.

    Introduced in chapter 10.

    Args:
        captions: List of token lists.
        vocab: A `seqcourse.seq2seq_data.Vocabulary`.
        max_length: Length of the rows (start or end token included); default the longest.

    Returns:
        Two int32 arrays ``(N, T_y)``: start + tokens, and tokens + end, padded with 0.

    Example:

    >>> from seqcourse.seq2seq_data import Vocabulary
    >>> vocab = Vocabulary.from_token_lists([["a", "dog"]])
    >>> [a.tolist() for a in encode_captions([["a", "dog"]], vocab)]
    [[[2, 4, 5]], [[4, 5, 3]]]
    """
    decoder_input = vocab.encode(captions, max_length=max_length, add_start=True)
    decoder_target = vocab.encode(captions, max_length=decoder_input.shape[1], add_end=True)
    return decoder_input, decoder_target


def generate_captions(
    model,
    images_or_grids,
    vocab,
    *,
    method="greedy",
    beam_width=4,
    max_length=20,
    length_penalty=0.0,
    batch_size=500,
):
    """Captions of a batch of images with greedy or beam search.

    `seqcourse.seq2seq.decode_batches` (the decoding loop of the translation chapters) for
    images or feature grids, with a default caption length.

    Introduced in chapter 10.

    Args:
        model: A `Captioner` (or any model with ``decoding_start``).
        images_or_grids: The model's first input, 4-D: images ``(N, side, side, 3)`` or
            feature grids ``(N, rows, cols, channels)``.
        vocab: The target `Vocabulary`.
        method: ``"greedy"`` or ``"beam"``.
        beam_width: Beam width ``K`` for ``"beam"``.
        max_length: Largest number of generated tokens, end token included. Default: 20.
        length_penalty: ``alpha`` of beam search.
        batch_size: Images decoded at once.

    Returns:
        ``(captions, log_probs)``: ``N`` token lists (special tokens removed) and the
        float64 ``(N,)`` log-probabilities of the generated sequences (end token included).

    Example:

    >>> captions, log_probs = generate_captions(model, grids, vocab)  # doctest: +SKIP
    """
    if np.ndim(images_or_grids) != 4:
        raise ValueError(
            "`images_or_grids` must be 4-D, (N, side, side, 3) images or (N, rows, cols, "
            f"channels) grids. Received: images_or_grids.shape={np.shape(images_or_grids)}"
        )
    return decode_batches(
        model,
        images_or_grids,
        vocab,
        max_length=max_length,
        method=method,
        beam_width=beam_width,
        length_penalty=length_penalty,
        batch_size=batch_size,
    )


def caption_scores(hypotheses, references):
    """Exact-caption rate and corpus BLEU-1..4 of generated captions.

    BLEU-n is the corpus BLEU with n-grams up to order n (`seqcourse.bleu.corpus_bleu`),
    as captioning papers report it.

    Introduced in chapter 10.

    Args:
        hypotheses: List of N token lists.
        references: List of N reference token lists (one reference per image), or of N
            lists of reference token lists.

    Returns:
        Dict with ``"exact"`` (fraction of hypotheses equal to a reference) and
        ``"bleu1"``..``"bleu4"`` (0-100).

    Example:

    >>> caption_scores([["a", "red", "circle"]], [["a", "red", "circle"]])["exact"]
    1.0
    """
    if not isinstance(hypotheses, list | tuple) or not isinstance(references, list | tuple):
        raise ValueError(
            "`hypotheses` and `references` must be lists. Received: "
            f"hypotheses={type(hypotheses).__name__}, references={type(references).__name__}"
        )
    if len(hypotheses) != len(references) or not hypotheses:
        raise ValueError(
            "`hypotheses` and `references` must be non-empty and of the same length. "
            f"Received: len(hypotheses)={len(hypotheses)}, len(references)={len(references)}"
        )
    refs = [
        [list(r) for r in ref] if ref and isinstance(ref[0], list | tuple) else [list(ref)]
        for ref in references
    ]
    hyps = [list(h) for h in hypotheses]
    scores = {"exact": float(np.mean([h in r for h, r in zip(hyps, refs, strict=True)]))}
    for n in range(1, 5):
        scores[f"bleu{n}"] = bleu.corpus_bleu(hyps, refs, max_order=n).score
    return scores
