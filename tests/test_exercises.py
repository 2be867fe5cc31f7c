"""Tests of the graded assignments (exercises/README.md): layout, the first cell, Colab, leaks.

The grading itself (solution full marks, blank 0, wrong answers, looping submission) is the
gate, `make exercise-check`, which also fails when the committed student files are stale.
"""

import ast
import glob
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = sorted(glob.glob(os.path.join(ROOT, "exercises", "source", "[0-9][0-9]_*")))
NAMES = [os.path.basename(s) for s in SOURCES]
CONFIG = {
    "init_cell": False,
    "check_all_cell": False,
    "export_cell": False,
    "run_tests": False,
    "tests": {"files": True, "ok_format": False},
    "generate": True,
}


def read(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def source_of(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def hidden_tests(name):
    """(function name, its long string constants) of every hidden test of an assignment."""
    nb = read(os.path.join(ROOT, "exercises", "source", name, name + ".ipynb"))
    found = []
    for cell in nb["cells"]:
        text = source_of(cell)
        if cell["cell_type"] != "code" or not re.search(r"#\s*BEGIN\s*TEST\s*CONFIG", text):
            continue
        if not re.search(r"^hidden:\s*true", text, re.MULTILINE):
            continue
        func = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef))
        # otter rewrites the code (ast.unparse) but keeps string constants: the messages.
        lines = [
            node.value
            for node in ast.walk(func)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        found.append((func.name, [line for line in lines if len(line) > 25]))
    return found


def public_texts(name):
    """The public test files of an assignment (a message they share with a hidden test is
    not a leak)."""
    texts = []
    for path in glob.glob(os.path.join(ROOT, "seqcourse", "exercise_tests", name, "*.py")):
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    return texts


def test_there_are_assignments_and_each_is_complete():
    assert {"02_rnn_forward", "03_bptt", "04_gradient_flow", "05_lstm"} <= set(NAMES)
    for name in NAMES:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+", name), name
        for path in (
            f"exercises/source/{name}/{name}.ipynb",
            f"exercises/source/{name}/gate.yml",
            f"exercises/student/{name}.ipynb",
            f"seqcourse/exercise_tests/{name}",
        ):
            assert os.path.exists(os.path.join(ROOT, path)), f"missing {path}"


@pytest.mark.parametrize("name", NAMES)
def test_source_config_and_questions(name):
    nb = read(os.path.join(ROOT, "exercises", "source", name, name + ".ipynb"))
    first = nb["cells"][0]
    assert first["cell_type"] == "raw" and source_of(first).startswith("# ASSIGNMENT CONFIG")
    config = yaml.safe_load(source_of(first))
    assert config["name"] == name
    for key, value in CONFIG.items():
        assert config[key] == value, f"{name}: assignment config {key} must be {value}"
    questions = [
        yaml.safe_load(source_of(c))
        for c in nb["cells"]
        if c["cell_type"] == "raw" and source_of(c).startswith("# BEGIN QUESTION")
    ]
    assert 3 <= len(questions) <= 6, f"{name}: {len(questions)} questions"
    assert all(q.get("points", 0) > 0 for q in questions), f"{name}: a question has no points"
    with open(os.path.join(ROOT, "exercises", "source", name, "gate.yml")) as f:
        gate = yaml.safe_load(f)
    assert gate["wrong_answers"], f"{name}: gate.yml declares no wrong answer"
    assert any(w.get("passes_public") and w.get("loses_points") for w in gate["wrong_answers"])


@pytest.mark.parametrize("name", NAMES)
def test_student_first_cell_opens_the_packaged_tests(name):
    nb = read(os.path.join(ROOT, "exercises", "student", name + ".ipynb"))
    code = [source_of(c) for c in nb["cells"] if c["cell_type"] == "code"]
    first = code[0]
    assert 'if "google.colab" in sys.modules:' in first
    assert '"otter-grader==7.0.0"' in first
    assert '"seqcourse @ git+https://github.com/seqcourse/sequence-models"' in first
    assert f'grader = otter.Notebook(tests_dir=public_tests_dir("{name}"))' in first
    assert nb["metadata"]["otter"]["assignment_name"] == name
    assert all(c.get("outputs", []) == [] for c in nb["cells"] if c["cell_type"] == "code")
    checks = re.findall(r'grader\.check\("(\w+)"\)', "\n".join(code))
    tests = sorted(
        f[:-3] for f in os.listdir(os.path.join(ROOT, "seqcourse", "exercise_tests", name))
    )
    assert sorted(checks) == tests


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_stay_out_of_student_files(name):
    hidden = hidden_tests(name)
    assert hidden, f"{name}: no hidden test"
    student_files = [os.path.join(ROOT, "exercises", "student", n + ".ipynb") for n in NAMES]
    student_files += [
        p
        for p in glob.glob(os.path.join(ROOT, "seqcourse", "**", "*"), recursive=True)
        if os.path.isfile(p) and "__pycache__" not in p
    ]
    # The book renders only the files its table of contents lists (only_build_toc_files);
    # search those sources, and the built HTML when there is one.
    with open(os.path.join(ROOT, "_toc.yml")) as f:
        toc = re.findall(r"file:\s*(\S+)", f.read())
    for entry in toc:
        student_files += glob.glob(os.path.join(ROOT, entry + ".*"))
    book = os.path.join(ROOT, "_build", "html")
    student_files += [
        p for p in glob.glob(os.path.join(book, "**", "*"), recursive=True) if os.path.isfile(p)
    ]
    public = public_texts(name)
    # The search finds what it looks for: every hidden test is in the instructor source.
    with open(os.path.join(ROOT, "exercises", "source", name, name + ".ipynb")) as f:
        instructor = f.read()
    assert all(f"def {func}(" in instructor for func, _ in hidden)
    for path in student_files:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for func, lines in hidden:
            assert f"def {func}(" not in text, f"hidden test {func} of {name} leaks into {path}"
            for line in lines:
                if not any(line in p for p in public):  # also checked by a public test
                    assert line not in text, f"hidden test {func} leaks into {path}: {line}"


def test_book_excludes_the_instructor_sources():
    with open(os.path.join(ROOT, "_config.yml")) as f:
        config = yaml.safe_load(f)
    assert "exercises/source" in config["exclude_patterns"]
    assert config["only_build_toc_files"] is True
    with open(os.path.join(ROOT, "_toc.yml")) as f:
        assert "exercises/source" not in f.read()


COLAB = r"""
import json, os, subprocess, sys, tempfile, types
from IPython.core.interactiveshell import InteractiveShell

# A fake Colab: the `google.colab` module, an IPython shell whose class lives in it (otter
# detects Colab from the shell), pip install recorded instead of run, no notebook on disk.
names = ("google", "google.colab", "google.colab._shell")
google, colab, shell_module = (types.ModuleType(n) for n in names)
class Shell(InteractiveShell):
    pass
Shell.__module__ = "google.colab._shell"
shell_module.Shell = Shell
sys.modules.update({"google": google, "google.colab": colab, "google.colab._shell": shell_module})
calls = []
subprocess.run = lambda *a, **k: calls.append(a[0])
os.chdir(tempfile.mkdtemp())
assert not [f for f in os.listdir(".") if f.endswith(".ipynb")]
shell = Shell.instance()
nb = json.load(open(sys.argv[1]))
in_tests = False
for cell in nb["cells"]:
    text = "".join(cell["source"])
    if cell["cell_type"] == "raw":
        in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(text.strip(), in_tests)
    if cell["cell_type"] != "code" or in_tests:
        continue
    result = shell.run_cell(text)
    assert result.success, (text, result.error_in_exec)
grader = shell.user_ns["grader"]
assert grader.interpreter.name == "COLAB", grader.interpreter
assert any("otter-grader==7.0.0" in c for c in calls), calls
for question in sys.argv[2:]:
    assert shell.run_cell(f"_checked = grader.check({question!r})").success
    results = shell.user_ns["_checked"]
    assert results.passed_all, (question, results)
try:
    grader.export()
except RuntimeError as e:
    assert "Google Colab" in str(e)
else:
    raise AssertionError("otter should refuse export() on Colab")
print("ok", sys.argv[2:])
"""


@pytest.mark.parametrize("name", ["02_rnn_forward"])
def test_colab_simulation_solutions_pass_public_tests(name, tmp_path):
    """The source's solution cells, run in a fake Colab: every public check passes."""
    source = os.path.join(ROOT, "exercises", "source", name, name + ".ipynb")
    questions = sorted(os.listdir(os.path.join(ROOT, "seqcourse", "exercise_tests", name)))
    out = subprocess.run(
        [sys.executable, "-c", COLAB, source, *[q[:-3] for q in questions]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1].startswith("ok")


def test_the_wheel_ships_the_public_tests():
    import tomllib

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        setuptools = tomllib.load(f)["tool"]["setuptools"]
    assert "seqcourse" in setuptools["packages"]
    assert "exercise_tests/*/*.py" in setuptools["package-data"]["seqcourse"]


def test_grading_module_is_light():
    """The first cell of every assignment imports it: no TensorFlow, Keras or otter."""
    code = (
        "import sys, seqcourse.grading\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'otter') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
