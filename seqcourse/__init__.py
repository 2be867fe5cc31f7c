"""seqcourse: the helper package of the executable course *Sequence Models*.

Every chapter notebook starts with::

    import seqcourse
    seqcourse.setup(seed=0)

Importing the package configures nothing, with one exception (below). Seeding, determinism,
plot style and logging are changed only by the explicit :func:`seqcourse.setup` call.
"""

import os

# The one import-time side effect, on purpose: TensorFlow reads these two variables once, when
# its C++ runtime is loaded by the first `import tensorflow`. Setting them later (in setup())
# is too late to silence the oneDNN banner and the C++ log lines that would otherwise be
# stored in notebooks and break strict nbval. We only fill them in when the user has not
# chosen a value, and we do not import TensorFlow here.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from seqcourse.environment import setup  # noqa: E402

__version__ = "0.1.0"
REPOSITORY_URL = "https://github.com/seqcourse/sequence-models"

__all__ = ["REPOSITORY_URL", "__version__", "setup"]
