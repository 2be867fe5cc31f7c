# The two commands a newcomer needs: `make book` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
# TensorFlow reads these when it is first imported; keep its C++ log noise off stderr.
export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0
export PYTHONHASHSEED ?= 0
JB_FLAGS := -W -n --keep-going
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

.PHONY: help venv book test unit nbval nbcheck lint book-strict notebooks bench clean \
	exercises exercise-check grade

help:
	@echo "make book       create .venv, install pins + seqcourse, build the HTML book (_build/html)"
	@echo "make test       lint, unit tests, strict nbval, notebook check, exercise gate, strict book build"
	@echo "make notebooks  re-execute every notebook in place (stored outputs)"
	@echo "make bench      time every notebook -> benchmarks/notebook_times.md (SAVE=1: keep outputs)"
	@echo "make exercises  otter assign every exercises/source -> student notebooks, dist/*.zip"
	@echo "make grade SUBMISSIONS=dir [ASSIGNMENT=NN_topic]  grade a class -> dist/*-grades.csv"
	@echo "GPU=1|0         force the CUDA or the CPU TensorFlow build (default: guess from nvidia-smi)"

venv:
	@scripts/install.sh

book: venv
	$(VENV)/bin/jupyter-book build . $(JB_FLAGS)
	@echo "Book: file://$(CURDIR)/_build/html/index.html"

test: venv lint unit nbval nbcheck exercise-check book-strict
	@echo "make test: all checks passed"

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit:
	$(PY) -m pytest tests

nbval:
	$(PY) -m pytest -p no:cacheprovider --nbval --nbval-current-env \
	  --nbval-sanitize-with nbval_sanitize.cfg notebooks

nbcheck:
	$(PY) scripts/check_notebooks.py $(NOTEBOOKS)

book-strict:
	$(VENV)/bin/jupyter-book build . --all $(JB_FLAGS)

notebooks: venv
	$(PY) scripts/run_notebooks.py $(NOTEBOOKS)

bench: venv
	$(PY) scripts/run_notebooks.py --bench benchmarks/notebook_times.md $(if $(SAVE),--save) $(NOTEBOOKS)

# Graded assignments (exercises/README.md, book/exercises.md).
exercises: venv
	$(PY) scripts/exercises.py build

# Committed student notebooks up to date; solution full marks, blank 0, wrong answers lose
# points, a looping submission is stopped (`check` builds dist/ for the gate).
exercise-check:
	$(PY) scripts/exercises.py check
	$(PY) scripts/exercises.py gate

grade: exercises
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir [ASSIGNMENT=NN_topic]"; exit 2; }
	$(PY) scripts/exercises.py grade "$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))

clean:
	rm -rf _build dist .pytest_cache .ruff_cache
