#!/usr/bin/env bash
# Creates .venv (if missing) and installs the pinned requirements and seqcourse into it.
#
#   scripts/install.sh            guess: CUDA TensorFlow if `nvidia-smi` answers, else the CPU wheel
#   GPU=1 scripts/install.sh      force tensorflow[and-cuda] (same version as the pin)
#   GPU=0 scripts/install.sh      force tensorflow-cpu
#
# The install is skipped when .venv/.installed is newer than requirements.txt and
# pyproject.toml, so `make test` after `make book` does not reinstall anything.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "error: Python 3.11 is required (found $("$PYTHON" --version 2>&1) at $(command -v "$PYTHON"))." >&2
  echo "       Install Python 3.11, or point PYTHON=/path/to/python3.11 at it." >&2
  exit 1
fi

if [ -z "${GPU:-}" ]; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then GPU=1; else GPU=0; fi
fi
case "$GPU" in 0|1) ;; *) echo "error: GPU must be 0 or 1. Received: GPU=$GPU" >&2; exit 1 ;; esac

stamp=.venv/.installed
want="GPU=$GPU"
if [ -f "$stamp" ] && [ "$stamp" -nt requirements.txt ] && [ "$stamp" -nt pyproject.toml ] \
   && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"

tf_version=$(sed -n 's/^tensorflow-cpu==//p' requirements.txt)
if [ "$GPU" = 1 ]; then
  echo "Installing tensorflow[and-cuda]==$tf_version (NVIDIA GPU)."
  grep -v '^tensorflow-cpu==' requirements.txt > .venv/requirements-gpu.txt
  echo "tensorflow[and-cuda]==$tf_version" >> .venv/requirements-gpu.txt
  .venv/bin/python -m pip uninstall --quiet --yes tensorflow-cpu >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r .venv/requirements-gpu.txt
else
  echo "Installing tensorflow-cpu==$tf_version (no NVIDIA GPU found; GPU=1 overrides)."
  .venv/bin/python -m pip uninstall --quiet --yes tensorflow >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
.venv/bin/python -m pip check
.venv/bin/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (seqcourse)" >/dev/null
echo "$want" > "$stamp"
