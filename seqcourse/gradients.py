"""How gradients behave over many time steps: constructed recurrent matrices and measured norms.

For the recurrence ``h<t> = phi(W_hh h<t-1> + W_hx x<t> + b_h)`` the Jacobian between two
hidden states is a product of one factor per step,

    dh<t>/dh<k> = prod_{s=k+1..t} diag(phi'(a<s>)) W_hh,

which for ``phi`` the identity is ``W_hh^(t-k)``. Its norm shrinks or grows geometrically
with the distance ``t - k`` depending on the spectral radius of ``W_hh``. The functions here
build matrices with a chosen spectral radius and measure these norms with
`tf.GradientTape`.

Introduced in chapter 4.
"""

import numpy as np

from seqcourse.rnn import check_params
from seqcourse.validation import check_float_array, check_int

ACTIVATIONS = ("linear", "tanh", "relu")


def matrix_with_spectral_radius(n, radius, seed=0, kind="orthogonal"):
    """A random ``(n, n)`` matrix whose spectral radius (largest ``|eigenvalue|``) is `radius`.

    ``kind="orthogonal"`` scales a random orthogonal matrix: every eigenvalue then has modulus
    `radius` and every singular value equals `radius`, so ``||W^k||_2 = radius^k`` exactly.
    ``kind="random"`` rescales a Gaussian matrix so that its largest eigenvalue modulus is
    `radius`; its powers shrink or grow at the same geometric rate, up to a constant factor.

    Introduced in chapter 4.

    Args:
        n: Size of the matrix, a positive integer.
        radius: Spectral radius, a number >= 0.
        seed: Seed of the NumPy generator.
        kind: ``"orthogonal"`` or ``"random"``.

    Returns:
        A float64 array of shape ``(n, n)``.

    Example:

    >>> W = matrix_with_spectral_radius(4, 0.9, seed=0)
    >>> round(float(np.abs(np.linalg.eigvals(W)).max()), 6)
    0.9
    """
    n = check_int(n, "n", 1)
    if isinstance(radius, bool) or not isinstance(radius, int | float | np.number) or radius < 0:
        raise ValueError(f"`radius` must be a number >= 0. Received: radius={radius!r}")
    if kind not in ("orthogonal", "random"):
        raise ValueError(f'`kind` must be "orthogonal" or "random". Received: kind={kind!r}')
    rng = np.random.default_rng(seed)
    gaussian = rng.standard_normal((n, n))
    if kind == "orthogonal":
        q, r = np.linalg.qr(gaussian)
        q = q * np.sign(np.diag(r))  # uniform (Haar) distribution over orthogonal matrices
        return float(radius) * q
    return float(radius) * gaussian / np.abs(np.linalg.eigvals(gaussian)).max()


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"`activation` must be one of {ACTIVATIONS}. Received: {activation!r}")


def _tf_activation(activation):
    import tensorflow as tf

    return {"linear": tf.identity, "tanh": tf.tanh, "relu": tf.nn.relu}[activation]


def jacobian_norms(params, x, *, h0=None, activation="tanh", ord=2):
    """Norms ``||dh<T>/dh<T-d>||`` of the state-to-state Jacobians, for ``d = 1..T``.

    Runs ``h<t> = phi(W_hh h<t-1> + W_hx x<t> + b_h)`` over one sequence in TensorFlow
    (float64), recording every hidden state on a `tf.GradientTape`, and takes the Jacobian of
    the last state with respect to each earlier one (``h<0>`` included).

    Introduced in chapter 4.

    Args:
        params: RNN parameter dict with ``W_hh``, ``W_hx``, ``b_h`` (see `seqcourse.rnn`).
        x: One input sequence, shape ``(time, n_x)``.
        h0: Initial state, shape ``(n_h,)``; zeros if None.
        activation: ``"tanh"``, ``"relu"`` or ``"linear"`` (the identity).
        ord: Matrix norm, ``2`` (spectral norm, the largest singular value) or ``"fro"``.

    Returns:
        A float64 array ``norms`` of shape ``(time,)``: ``norms[d - 1]`` is the norm of
        ``dh<T>/dh<T-d>`` for the distance ``d``. For the linear RNN it equals the norm of
        ``W_hh ** d`` (a matrix power).

    Example:

    >>> W = matrix_with_spectral_radius(8, 0.5)
    >>> p = {"W_hh": W, "W_hx": np.zeros((8, 1)), "b_h": np.zeros(8)}
    >>> jacobian_norms(p, np.zeros((3, 1)), activation="linear").round(3)
    array([0.5  , 0.25 , 0.125])
    """
    import tensorflow as tf

    n_x, n_h, _ = check_params(params)
    _check_activation(activation)
    if ord not in (2, "fro"):
        raise ValueError(f'`ord` must be 2 or "fro". Received: ord={ord!r}')
    x = check_float_array(x, "x", 2)
    if x.shape[1] != n_x or x.shape[0] < 1:
        raise ValueError(f"`x` must have shape (time >= 1, {n_x}). Received: x.shape={x.shape}")
    h0 = np.zeros(n_h) if h0 is None else check_float_array(h0, "h0", 1)
    if h0.shape != (n_h,):
        raise ValueError(f"`h0` must have shape ({n_h},). Received: h0.shape={h0.shape}")

    phi = _tf_activation(activation)
    W_hh = tf.constant(params["W_hh"], tf.float64)
    drive = tf.constant(x @ params["W_hx"].T + params["b_h"], tf.float64)  # (time, n_h)
    # Row i of a batch of n_h identical copies carries the gradient of h<T>[i]: one backward
    # pass with the identity as output gradient gives every row of every Jacobian.
    with tf.GradientTape() as tape:
        h = tf.tile(tf.constant(h0[None, :], tf.float64), [n_h, 1])  # (n_h copies, n_h)
        states = []
        for t in range(x.shape[0]):
            tape.watch(h)
            states.append(h)
            h = phi(tf.matmul(h, W_hh, transpose_b=True) + drive[t : t + 1])
    jacobians = tape.gradient(h, states, output_gradients=tf.eye(n_h, dtype=tf.float64))
    norms = [
        np.linalg.norm(np.zeros((n_h, n_h)) if j is None else j.numpy(), ord)
        for j in reversed(jacobians)  # distance d = T - k = 1, 2, ...
    ]
    return np.array(norms)


def state_gradient_norms(layer, inputs, loss_fn):
    """Per-step norms ``||dL/dh<t>||`` for a Keras `SimpleRNN`, averaged over the batch.

    The layer's cell is unrolled step by step on a `tf.GradientTape` that watches every
    hidden state, so that the gradient with respect to ``h<t>`` is the *total* derivative:
    through every later step, not only through the output at step ``t``. The loss is summed
    over the examples, so each example's gradient is that of its own loss.

    Introduced in chapter 4.

    Args:
        layer: A built `keras.layers.SimpleRNN` (its cell is called; zero initial state).
        inputs: Float inputs of the layer, shape ``(batch, time, n_x)`` (e.g. embeddings).
        loss_fn: Callable mapping the list of hidden states ``[h<1>, ..., h<T>]``, each of
            shape ``(batch, n_h)``, to per-example losses of shape ``(batch,)``.

    Returns:
        A float64 array of shape ``(time,)``: entry ``t - 1`` is the mean over the batch of
        ``||dL_i/dh_i<t>||_2``.

    Example:

    >>> import keras
    >>> layer = keras.layers.SimpleRNN(4)
    >>> _ = layer(np.zeros((2, 3, 1), "float32"))
    >>> state_gradient_norms(layer, np.ones((2, 3, 1), "float32"),
    ...                      lambda hs: keras.ops.sum(hs[-1], axis=1)).shape
    (3,)
    """
    import keras
    import tensorflow as tf

    if not isinstance(layer, keras.layers.SimpleRNN) or not layer.built:
        raise ValueError(
            f"`layer` must be a built keras.layers.SimpleRNN. Received: layer={layer!r}"
        )
    inputs = tf.convert_to_tensor(inputs)
    if inputs.shape.rank != 3 or inputs.shape[1] < 1:
        raise ValueError(
            f"`inputs` must have shape (batch, time >= 1, n_x). Received: shape={inputs.shape}"
        )
    if not callable(loss_fn):
        raise ValueError(f"`loss_fn` must be callable. Received: loss_fn={loss_fn!r}")
    batch, time = inputs.shape[0], inputs.shape[1]
    with tf.GradientTape() as tape:
        h = tf.zeros((batch, layer.units), dtype=layer.compute_dtype)
        states = []
        for t in range(time):
            h, _ = layer.cell(inputs[:, t], [h])
            tape.watch(h)
            states.append(h)
        losses = loss_fn(states)
        if tuple(losses.shape) != (batch,):
            raise ValueError(
                f"`loss_fn` must return per-example losses of shape ({batch},). "
                f"Received: shape={tuple(losses.shape)}"
            )
        total = tf.reduce_sum(losses)
    grads = tape.gradient(total, states)
    norms = [
        np.zeros(batch) if g is None else np.linalg.norm(np.asarray(g, np.float64), axis=1)
        for g in grads
    ]
    return np.mean(norms, axis=1)
