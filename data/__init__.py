"""The course's bundled datasets, installed as the package ``seqcourse.bundled_data``.

See README.md in this folder for the provenance of every file and seqcourse/datasets.py for
the loaders. (This file makes the folder an ordinary package, which importlib.resources and
setuptools' editable installs both need.)
"""
