"""Tests of the notebook pipeline scripts: the static checker and the executor."""

import importlib.util
import pathlib

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_notebooks = _load("check_notebooks")
run_notebooks = _load("run_notebooks")
URL = check_notebooks.repository_url()

OUTLINE = """## Learning objectives
## Summary
## Exercises
```{exercise}
:label: a
```
```{solution} a
```
```{exercise}
:label: b
```
```{solution} b
```
```{exercise}
:label: c
```
```{solution} c
```
## References
```{footbibliography}
```
"""


def _good_cells():
    install = f'import sys\nif "google.colab" in sys.modules:\n    print("{URL}")'
    return [
        new_markdown_cell("# Title\n" + OUTLINE),
        new_code_cell(install, execution_count=1),
        new_code_cell("import seqcourse\nseqcourse.setup(seed=0)", execution_count=2),
        new_code_cell("# NBVAL_IGNORE_OUTPUT\nx = 1", execution_count=3),
        new_code_cell("assert x == 1", execution_count=4),
    ]


def _write(tmp_path, cells):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_repository_url_is_read_from_config():
    assert URL.startswith("https://github.com/")


def test_clean_notebook_passes(tmp_path):
    assert check_notebooks.check(_write(tmp_path, _good_cells()), URL) == []


def test_every_stored_chapter_notebook_is_clean():
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert paths, "no chapter notebooks found"
    for path in paths:
        assert check_notebooks.check(path, URL) == [], path.name


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda c: c[2].update(execution_count=7), "execution counts"),
        (lambda c: c[3].update(execution_count=None), "execution counts"),
        (
            lambda c: c[3].outputs.append(new_output("stream", name="stderr", text="W0 log")),
            "stderr output",
        ),
        (
            lambda c: c[3].outputs.append(
                new_output("error", ename="ValueError", evalue="x", traceback=[])
            ),
            "stored error",
        ),
        (lambda c: c[1].update(source="print('no install cell')"), "install cell"),
        (
            lambda c: c[1].update(source=c[1].source + "\n!pip install tensorflow"),
            "must not install TensorFlow",
        ),
        (lambda c: c[2].update(source="import numpy"), "seqcourse.setup"),
        (lambda c: c[4].update(source="print(x)"), "asserts nothing"),
        (lambda c: c[0].update(source="# Title\n## Summary"), "Learning objectives"),
        (
            lambda c: c[0].update(source=c[0].source.replace("```{solution} c\n```\n", "")),
            "exercises and",
        ),
        (
            lambda c: c[3].outputs.append(
                new_output("display_data", data={"image/svg+xml": "<svg/>"})
            ),
            "SVG",
        ),
        (
            lambda c: c[0].update(source=c[0].source.replace("{footbibliography}", "{x}")),
            "no {footbibliography}",
        ),
        (lambda c: c[0].update(source=c[0].source + "\nSee {cite}`elman1990`."), "{footcite}"),
    ],
)
def test_each_problem_is_reported(tmp_path, mutate, expected):
    cells = _good_cells()
    mutate(cells)
    problems = check_notebooks.check(_write(tmp_path, cells), URL)
    assert any(expected in p for p in problems), problems


def test_main_exit_status(tmp_path, capsys):
    good = _write(tmp_path, _good_cells())
    assert check_notebooks.main([str(good)]) == 0
    cells = _good_cells()
    cells[2].execution_count = 9
    bad = tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=cells), bad)
    assert check_notebooks.main([str(good), str(bad)]) == 1
    assert "1/2 notebooks clean" in capsys.readouterr().out


def test_run_notebooks_executes_in_place_with_counts_1_to_n(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(
        new_notebook(cells=[new_code_cell("x = 6 * 7"), new_code_cell("print(x)")]), path
    )
    assert run_notebooks.main([str(path)]) == 0
    nb = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in nb.cells] == [1, 2]
    assert nb.cells[1].outputs[0]["text"] == "42\n"
    assert all("execution" not in c.metadata for c in nb.cells)


def test_run_notebooks_bench_writes_table_and_keeps_notebook(tmp_path):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), path)
    before = path.read_text()
    table = tmp_path / "times.md"
    assert run_notebooks.main(["--bench", str(table), str(path)]) == 0
    assert path.read_text() == before
    text = table.read_text()
    assert "| notebook | wall time (s) |" in text and "tiny.ipynb" in text and "cores" in text


def test_run_notebooks_reports_a_failing_cell(tmp_path):
    path = tmp_path / "broken.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("raise RuntimeError('boom')")]), path)
    before = path.read_text()
    assert run_notebooks.main([str(path)]) == 1
    assert path.read_text() == before
