"""Tests of seqcourse.grading: packaged public tests, limits, scores and reasons, the CSV.

The real `otter run` of every assignment is exercised by the gate (`make exercise-check`);
here `otter run` is replaced by a stub that writes what otter would, so that each way a
submission can fail is checked in milliseconds.
"""

import csv
import json
import os
import sys
import time
import zipfile

import nbformat
import pytest

from seqcourse import grading

TEST_FILE = """from otter.test_files import test_case

OK_FORMAT = False

name = "{name}"
points = {points}


@test_case(points=None, hidden=False)
def test_{name}({arg}):
    assert {arg}(1) == 2


@test_case(points=None, hidden=True)
def test_{name}_hidden({arg}, env):
    assert {arg}(2) == 4
"""


@pytest.fixture
def autograder(tmp_path):
    path = tmp_path / "toy-autograder.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("tests/double.py", TEST_FILE.format(name="double", points=2, arg="double"))
        z.writestr("tests/square.py", TEST_FILE.format(name="square", points=1, arg="square"))
        z.writestr("otter_config.json", "{}")
    return str(path)


def write_notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return str(path)


def fake_otter(monkeypatch, scores=None, status="ok", seconds=1.0, log="", cpu=None):
    """Replaces `otter run` by a stub that writes results.json like otter does."""

    def run(submission, autograder_zip, out_dir, cpu_limit, wall_limit):
        with open(os.path.join(out_dir, "otter.log"), "w") as f:
            f.write(log)
        if scores is not None:
            tests = [{"name": "Public Tests", "visibility": "visible", "output": ""}]
            for name, (score, output) in scores.items():
                tests.append({"name": name, "score": score, "max_score": 2.0, "output": output})
            with open(os.path.join(out_dir, "results.json"), "w") as f:
                json.dump({"tests": tests}, f)
        return status, seconds, cpu

    monkeypatch.setattr(grading, "_run_otter", run)


def test_public_tests_dir_holds_only_public_test_files():
    path = grading.public_tests_dir("02_rnn_forward")
    names = sorted(os.listdir(path))
    assert "rnn_cell.py" in names
    for name in names:
        with open(os.path.join(path, name)) as f:
            text = f.read()
        assert "OK_FORMAT = False" in text
        assert "hidden=True" not in text


@pytest.mark.parametrize("bad", ["rnn", "2_rnn", "02-rnn", 2, None])
def test_public_tests_dir_rejects_bad_names(bad):
    with pytest.raises(ValueError, match="must be a name like '02_rnn_forward'. Received"):
        grading.public_tests_dir(bad)


def test_public_tests_dir_unknown_assignment():
    with pytest.raises(ValueError, match="has no public tests for this assignment. Received"):
        grading.public_tests_dir("99_nothing")


def test_static_check_names_and_syntax_errors(tmp_path):
    path = write_notebook(
        tmp_path / "s.ipynb",
        "%matplotlib inline\nimport numpy as np\nx, (y, z) = 1, (2, 3)",
        "def double(v):\n    return 2 * v",
        "def square(v)\n    return v * v",
    )
    defined, errors = grading.static_check(path)
    assert {"np", "x", "y", "z", "double"} <= defined and "square" not in defined
    assert errors == ["syntax error in cell 3 (line 1): expected ':'"]


def test_static_check_unreadable_notebook(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    defined, errors = grading.static_check(str(path))
    assert defined == set() and errors[0].startswith("not a readable notebook")


def test_autograder_questions(autograder):
    assert grading.autograder_questions(autograder) == {
        "double": {"points": 2.0, "names": ["double"]},
        "square": {"points": 1.0, "names": ["square"]},
    }


def test_full_marks_have_no_reasons(tmp_path, autograder, monkeypatch):
    fake_otter(monkeypatch, {"double": (2.0, ""), "square": (1.0, "")})
    sub = write_notebook(
        tmp_path / "a.ipynb", "def double(v): return 2 * v\ndef square(v): return v * v"
    )
    result = grading.grade_submission(sub, autograder)
    assert result["scores"] == {"double": 2.0, "square": 1.0}
    assert (result["total"], result["max_total"], result["reasons"]) == (3.0, 3.0, {})


def test_reasons_wrong_answer_missing_function_syntax_error(tmp_path, autograder, monkeypatch):
    output = (
        "❌ Test case failed\nError at line 3 in test double:\n  assert double(2) == 4\n"
        "AssertionError: expected 4, got 5"
    )
    fake_otter(monkeypatch, {"double": (0.0, output), "square": (0.0, "TypeError: ...")})
    sub = write_notebook(tmp_path / "b.ipynb", "def double(v): return 2 * v + 1", "def square(v)")
    result = grading.grade_submission(sub, autograder)
    assert result["total"] == 0
    assert result["reasons"]["double"] == "wrong answer: AssertionError: expected 4, got 5"
    assert result["reasons"]["square"] == (
        "syntax error in cell 2 (line 1): expected ':'; missing function square"
    )
    sub = write_notebook(tmp_path / "c.ipynb", "def double(v): return 2 * v + 1")
    result = grading.grade_submission(sub, autograder)
    assert result["reasons"]["square"] == "missing function square"


@pytest.mark.parametrize(
    ("status", "seconds", "cpu", "log", "expected"),
    [
        ("wall", 30.0, None, "", "timeout: wall-time limit of 30 s exceeded"),
        # otter run killed by SIGXCPU (it polls the kernel), the kernel still looping.
        ("failed", 25.0, (-24, 9.5, 8.0), "", "timeout: CPU-time limit of 10 s"),
        # otter run killed by SIGXCPU, but the kernel had died early (os._exit): a crash.
        ("failed", 25.0, (-24, 9.5, 0.1), "", "crash: grading failed (the kernel died; no"),
        ("failed", 12.0, (1, 10.5, 0.0), "DeadKernelError: Kernel died", "timeout: CPU-time"),
        ("failed", 12.0, None, "DeadKernelError: Kernel died", "timeout: CPU-time limit of 10 s"),
        # A crash on a loaded machine: long in wall time, short in CPU time.
        ("failed", 25.0, (1, 3.0, 0.0), "DeadKernelError: Kernel died", "crash: grading failed"),
        (
            "failed",
            2.0,
            None,
            "RuntimeError: Kernel died",
            "crash: grading failed (RuntimeError: Ker",
        ),
    ],
)
def test_reasons_when_grading_stops(
    tmp_path, autograder, monkeypatch, status, seconds, cpu, log, expected
):
    fake_otter(monkeypatch, None, status=status, seconds=seconds, log=log, cpu=cpu)
    sub = write_notebook(tmp_path / "d.ipynb", "def double(v): return 2 * v")
    result = grading.grade_submission(sub, autograder, cpu_limit=10, wall_limit=30)
    assert result["total"] == 0 and set(result["reasons"]) == {"double", "square"}
    assert all(r.startswith(expected) for r in result["reasons"].values()), result["reasons"]


def test_grade_submissions_writes_one_row_per_student(tmp_path, autograder, monkeypatch):
    fake_otter(monkeypatch, {"double": (2.0, ""), "square": (0.0, "AssertionError: no")})
    folder = tmp_path / "subs"
    folder.mkdir()
    for student in ("bob", "alice"):
        write_notebook(folder / f"{student}.ipynb", "def double(v): return 2 * v\ndef square(v): 0")
    (folder / "notes.txt").write_text("not a submission")
    out = tmp_path / "grades.csv"
    rows = grading.grade_submissions(str(folder), autograder, str(out))
    assert [r["student"] for r in rows] == ["alice", "bob"]
    with open(out, newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == [
        "student",
        "double",
        "square",
        "total",
        "max_total",
        "status",
        "seconds",
        "reasons",
    ]
    assert table[0]["total"] == "2" and table[0]["max_total"] == "3"
    assert table[0]["reasons"] == "square: wrong answer: AssertionError: no"


def test_run_limited_cpu_limit_stops_a_loop(tmp_path):
    status, seconds, _ = grading.run_limited(
        [sys.executable, "-c", "while True: pass"], str(tmp_path / "log"), 1, 60
    )
    assert status == "failed" and seconds < 30


def test_run_limited_wall_limit_kills_the_whole_group(tmp_path):
    pid_file = tmp_path / "child.pid"
    # The command starts a child in a session of its own, as jupyter_client starts a kernel:
    # neither `timeout` nor a process-group kill would reach it.
    script = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],\n"
        "                         start_new_session=True)\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    status, seconds, _ = grading.run_limited(
        [sys.executable, "-c", script], str(tmp_path / "log"), 30, 2
    )
    assert status == "wall" and seconds < 20
    pid = int(pid_file.read_text())
    time.sleep(0.2)
    assert not alive(pid), "the child process survived the wall-time limit"


def test_run_limited_measures_a_busy_child(tmp_path):
    script = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'while True: pass'])\n"
        "time.sleep(5)\n"
    )
    status, _, group_cpu = grading.run_limited(
        [sys.executable, "-c", script], str(tmp_path / "log"), 30, 60
    )
    assert status == "ok" and group_cpu > 0.2


def alive(pid):
    """Whether a process runs (a killed child not yet reaped is a zombie: not alive)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("bad", [0, -1, True, "10", None])
def test_limits_are_checked(tmp_path, autograder, bad):
    sub = write_notebook(tmp_path / "e.ipynb", "x = 1")
    with pytest.raises(ValueError, match="`cpu_limit` must be a positive number of seconds"):
        grading.grade_submission(sub, autograder, cpu_limit=bad)
    with pytest.raises(ValueError, match="`wall_limit` must be a positive number of seconds"):
        grading.grade_submission(sub, autograder, wall_limit=bad)


def test_bad_arguments(tmp_path, autograder):
    with pytest.raises(ValueError, match="No autograder zip found. Received: autograder_zip="):
        grading.grade_submission("x.ipynb", str(tmp_path / "missing.zip"))
    with pytest.raises(ValueError, match="No such folder. Received: submissions_dir="):
        grading.grade_submissions(str(tmp_path / "nope"), autograder, "g.csv")
    with pytest.raises(
        ValueError, match="`workers` must be a positive integer. Received: workers=0"
    ):
        grading.grade_submissions(str(tmp_path), autograder, "g.csv", workers=0)


def test_one_grader_error_does_not_stop_the_class(tmp_path, autograder, monkeypatch):
    fake_otter(monkeypatch, {"double": (2.0, ""), "square": (1.0, "")})
    real = grading.grade_submission

    def flaky(path, *args):
        if path.endswith("bad.ipynb"):
            raise OSError("disk full")
        return real(path, *args)

    monkeypatch.setattr(grading, "grade_submission", flaky)
    folder = tmp_path / "subs"
    folder.mkdir()
    write_notebook(folder / "bad.ipynb", "x = 1")
    write_notebook(
        folder / "good.ipynb", "def double(v): return 2 * v\ndef square(v): return v * v"
    )
    rows = grading.grade_submissions(str(folder), autograder, str(tmp_path / "g.csv"))
    assert [(r["student"], r["total"], r["status"]) for r in rows] == [
        ("bad", "0", "crash"),
        ("good", "3", "ok"),
    ]
    assert "crash: grader error (OSError: disk full)" in rows[0]["reasons"]


def test_unreadable_submission_is_a_crash_with_its_reason(tmp_path, autograder, monkeypatch):
    fake_otter(monkeypatch, None, status="failed", seconds=1.0, log="ValueError: bad notebook")
    path = tmp_path / "garbage.ipynb"
    path.write_text("this is not a notebook")
    result = grading.grade_submission(str(path), autograder)
    assert result["status"] == "crash"
    assert result["reasons"]["double"].startswith("crash: not a readable notebook")


PORT_RACE_LOG = (
    "Traceback (most recent call last):\n"
    "zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:34775')\n"
)


def racing_otter(monkeypatch, races):
    """`otter run` whose kernel loses a port race `races` times, then grades normally."""
    calls = []

    def run(submission, autograder_zip, out_dir, cpu_limit, wall_limit):
        calls.append(out_dir)
        with open(os.path.join(out_dir, "otter.log"), "w") as f:
            f.write(PORT_RACE_LOG if len(calls) <= races else "")
        if len(calls) > races:
            tests = [
                {"name": n, "score": s, "max_score": s, "output": ""}
                for n, s in (("double", 2.0), ("square", 1.0))
            ]
            with open(os.path.join(out_dir, "results.json"), "w") as f:
                json.dump({"tests": tests}, f)
        return "ok", 1.0, None

    monkeypatch.setattr(grading, "_run_otter", run)
    return calls


def test_a_kernel_port_race_is_graded_again(tmp_path, autograder, monkeypatch):
    calls = racing_otter(monkeypatch, races=2)
    sub = write_notebook(
        tmp_path / "a.ipynb", "def double(v): return 2 * v\ndef square(v): return v * v"
    )
    result = grading.grade_submission(sub, autograder, keep_dir=str(tmp_path / "keep"))
    assert len(calls) == 3
    assert (result["total"], result["status"], result["reasons"]) == (3.0, "ok", {})


def test_a_persistent_port_race_is_a_crash_with_its_reason(tmp_path, autograder, monkeypatch):
    calls = racing_otter(monkeypatch, races=10)
    sub = write_notebook(
        tmp_path / "a.ipynb", "def double(v): return 2 * v\ndef square(v): return v * v"
    )
    result = grading.grade_submission(sub, autograder)
    assert len(calls) == 1 + grading.RETRIES_AFTER_PORT_RACE
    assert result["status"] == "crash" and result["total"] == 0
    assert "Address already in use" in result["reasons"]["double"]


def test_a_crash_of_the_submission_is_not_graded_again(tmp_path, autograder, monkeypatch):
    calls = []

    def run(submission, autograder_zip, out_dir, cpu_limit, wall_limit):
        calls.append(1)
        with open(os.path.join(out_dir, "otter.log"), "w") as f:
            f.write("ZeroDivisionError: division by zero\n")
        return "ok", 1.0, None

    monkeypatch.setattr(grading, "_run_otter", run)
    sub = write_notebook(tmp_path / "a.ipynb", "1 / 0")
    result = grading.grade_submission(sub, autograder)
    assert len(calls) == 1 and result["status"] == "crash"
