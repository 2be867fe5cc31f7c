"""Graded exercises: the packaged public tests, and grading submissions under limits.

Students open the grader of an assignment on the public tests that ship with this package
(so that it works on Colab, where no notebook file is on disk)::

    import otter
    from seqcourse.grading import public_tests_dir
    grader = otter.Notebook(tests_dir=public_tests_dir("02_rnn_forward"))

Instructors grade a folder of submitted notebooks with `grade_submissions`, which runs
``otter run`` on each one in its own process group, under a CPU-time limit (``RLIMIT_CPU``,
inherited by the notebook's kernel, which the kernel cannot outlive) and a wall-time limit
(the whole process group is killed), and writes one CSV row per student with a reason for
every question scored zero. Hidden tests are only in the autograder zip, never here.

Introduced in the Exercises part of the book (``book/exercises.md``).
"""

import ast
import concurrent.futures
import csv
import importlib.resources
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile

_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")

# CPython 3.11 before 3.11.8 can fail with "SystemError: AST constructor recursion depth
# mismatch" when threads parse at the same time (gh-106905); grade_submissions uses threads.
_AST_LOCK = threading.Lock()

# Environment variable that marks every process of one grading.
_MARKER = "SEQCOURSE_GRADING_RUN"

#: Default limits for one submission (seconds).
CPU_LIMIT = 120
WALL_LIMIT = 300


def _check_name(assignment):
    if not isinstance(assignment, str) or not _NAME.match(assignment):
        raise ValueError(
            "`assignment` must be a name like '02_rnn_forward'. "
            f"Received: assignment={assignment!r}"
        )
    return assignment


def public_tests_dir(assignment):
    """Returns the directory of the public tests of `assignment` shipped with seqcourse.

    Introduced in the Exercises part.

    Args:
        assignment: The assignment name, e.g. ``"02_rnn_forward"``.

    Returns:
        The path (str) of a directory with one otter test file per question.

    Example:

    >>> import os
    >>> sorted(os.listdir(public_tests_dir("02_rnn_forward")))[:2]
    ['rnn_cell.py', 'rnn_forward.py']
    """
    _check_name(assignment)
    path = os.fspath(importlib.resources.files("seqcourse") / "exercise_tests" / assignment)
    if not os.path.isdir(path):
        raise ValueError(
            "seqcourse has no public tests for this assignment. "
            f"Received: assignment={assignment!r}"
        )
    return path


def _check_limit(value, name):
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(
            f"`{name}` must be a positive number of seconds. Received: {name}={value!r}"
        )
    return value


def _cell_sources(nb):
    """Python source of each code cell (IPython magics translated), with its index."""
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            yield i, manager.transform_cell(source)


def static_check(notebook_path):
    """Parses every code cell of a notebook without running it.

    Introduced in the Exercises part.

    Args:
        notebook_path: Path of an ``.ipynb`` file.

    Returns:
        ``(defined, errors)``: the set of names bound at the top level of the cells (functions,
        classes, assignments, imports) and a list of ``"syntax error in cell N (line L): msg"``
        strings (``N`` counts code cells from 1). An unreadable file gives
        ``(set(), ["not a readable notebook: ..."])``.
    """
    try:
        with open(notebook_path, encoding="utf-8") as f:
            nb = json.load(f)
        with _AST_LOCK:
            cells = list(_cell_sources(nb))
    except (OSError, ValueError, AttributeError, TypeError) as e:
        return set(), [f"not a readable notebook: {type(e).__name__}: {e}"]
    defined, errors = set(), []
    for number, (_, source) in enumerate(cells, start=1):
        try:
            with _AST_LOCK:
                tree = ast.parse(source)
        except SyntaxError as e:
            errors.append(f"syntax error in cell {number} (line {e.lineno}): {e.msg}")
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                defined.update((a.asname or a.name).split(".")[0] for a in node.names)
            else:
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                        defined.add(sub.id)
    return defined, errors


def autograder_questions(autograder_zip):
    """Reads the questions of an autograder zip: their points and the names their tests use.

    Introduced in the Exercises part.

    Args:
        autograder_zip: Path of a zip written by ``otter assign`` (``make exercises``).

    Returns:
        A dict ``{question: {"points": float, "names": [argument names of its tests]}}``,
        in the order of the test files' names.
    """
    questions = {}
    with zipfile.ZipFile(autograder_zip) as z:
        for member in sorted(z.namelist()):
            if not (member.startswith("tests/") and member.endswith(".py")):
                continue
            with _AST_LOCK:
                tree = ast.parse(z.read(member).decode("utf-8"))
            name, points, names = os.path.basename(member)[:-3], 0.0, []
            for node in tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    target = node.targets[0]
                    if isinstance(target, ast.Name) and target.id == "name":
                        name = node.value.value
                    if isinstance(target, ast.Name) and target.id == "points":
                        points = float(node.value.value or 0)
                if isinstance(node, ast.FunctionDef):
                    names += [a.arg for a in node.args.args if a.arg not in names + ["env"]]
            questions[name] = {"points": points, "names": names}
    return questions


def _marked_processes(marker):
    """{pid: CPU seconds} of the live processes whose environment holds `marker` (Linux).

    Every process a grading starts inherits the marker, including the notebook's kernel,
    which jupyter_client starts in a session of its own (so a process-group kill misses
    it) and which outlives its parent when otter run is killed.
    """
    found = {}
    if not os.path.isdir("/proc"):
        return found
    needle = f"{_MARKER}={marker}".encode()
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name come state, ppid, ...; utime and stime are fields 14 and 15.
        if fields[0] != "Z":
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def _kill(process, marker):
    """Kills the command's process group and every process that carries the marker."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in _marked_processes(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_limited(command, log_path, cpu_limit, wall_limit):
    """Runs `command` in a new process group under CPU-time and wall-time limits.

    Introduced in the Exercises part.

    The CPU limit is ``RLIMIT_CPU`` (what ``prlimit --cpu`` sets): every process started
    inherits it, so a notebook kernel that loops is killed by the system (``SIGXCPU``, then
    ``SIGKILL``). At the wall limit, or when the command ends, the process group and every
    process that inherited the run's marker variable are killed, so that no kernel outlives
    its grading (``timeout`` alone kills only the command; the kernel runs in a session of
    its own).

    Args:
        command: The argument list.
        log_path: File that receives stdout and stderr.
        cpu_limit: CPU seconds per process.
        wall_limit: Wall-clock seconds for the command.

    Returns:
        ``(status, seconds, group_cpu)``: status ``"ok"`` (exit 0), ``"failed"`` or
        ``"wall"``; ``group_cpu``, the largest CPU time of a process it started (other
        than the command) still running when the command ended: a looping kernel.
    """
    import resource

    _check_limit(cpu_limit, "cpu_limit")
    _check_limit(wall_limit, "wall_limit")
    soft = max(1, int(cpu_limit + 0.999))

    def limit_cpu():
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))

    start = time.monotonic()
    marker = uuid.uuid4().hex
    env = {**os.environ, _MARKER: marker}
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=limit_cpu,
            env=env,
        )
        try:
            process.wait(timeout=wall_limit)
            status = "ok" if process.returncode == 0 else "failed"
        except subprocess.TimeoutExpired:
            status = "wall"
        finally:
            others = _marked_processes(marker)
            others.pop(process.pid, None)
            group_cpu = max(others.values(), default=0.0)
            _kill(process, marker)  # the kernel, and anything the submission started
            process.wait()
    return status, time.monotonic() - start, group_cpu


# Runs `otter run`, then writes its exit code and the CPU seconds of all its finished
# descendants (the kernel included, once otter has reaped it), so that a process killed by
# RLIMIT_CPU (otter run itself, which polls the kernel, or the kernel) can be told from a
# crash.
_CPU_REPORTER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"{code} {usage.ru_utime + usage.ru_stime}")
sys.exit(code if code >= 0 else 128 - code)
"""
_CPU_SIGNALS = (-signal.SIGXCPU, -signal.SIGKILL)


def _run_otter(submission, autograder_zip, out_dir, cpu_limit, wall_limit):
    """Returns ``(status, wall seconds, usage)``.

    ``usage`` is ``(exit code of otter run, CPU seconds of it and its reaped children, CPU
    seconds of the busiest process still running at the end)``, or None if unknown.
    """
    cpu_file = os.path.join(out_dir, "cpu_seconds")
    command = [sys.executable, "-c", _CPU_REPORTER, cpu_file]
    command += [sys.executable, "-m", "otter", "run", "--no-logo", "-a", autograder_zip]
    command += ["-o", out_dir, submission]
    log = os.path.join(out_dir, "otter.log")
    status, seconds, live_cpu = run_limited(command, log, cpu_limit, wall_limit)
    try:
        with open(cpu_file, encoding="utf-8") as f:
            code, cpu = f.read().split()
        usage = int(code), float(cpu), live_cpu
    except (OSError, ValueError):
        usage = None
    return status, seconds, usage


# A kernel whose ZMQ ports were taken by another kernel starting at the same moment
# (jupyter_client picks free ports before it binds them) dies before it runs any code: a race
# on the grading machine, not the submission's fault. Such a grading is run again.
PORT_RACE = "Address already in use"
RETRIES_AFTER_PORT_RACE = 2


def _first_error(output, default="a test failed"):
    lines = [ln.strip() for ln in (output or "").splitlines()]
    # "AssertionError: expected ...", not otter's "Error at line 15 in test q1:".
    errors = [ln for ln in lines if re.match(r"^[A-Za-z_.]*(Error|Exception|Exit):", ln)]
    return (errors[0] if errors else default)[:200]


def grade_submission(
    submission, autograder_zip, cpu_limit=CPU_LIMIT, wall_limit=WALL_LIMIT, keep_dir=None
):
    """Grades one submitted notebook with ``otter run`` under CPU-time and wall-time limits.

    Introduced in the Exercises part.

    Args:
        submission: Path of the submitted ``.ipynb``.
        autograder_zip: Path of the assignment's autograder zip (``dist/NN_topic-autograder.zip``).
        cpu_limit: CPU seconds allowed to each process (``otter run`` and the kernel).
        wall_limit: Wall-clock seconds allowed to the whole grading.
        keep_dir: Optional folder in which to keep otter's log and ``results.json``.

    Returns:
        A dict with ``"scores"`` (``{question: points}``), ``"total"``, ``"max_total"``,
        ``"reasons"`` (``{question: why it scored 0}``), ``"status"`` (``"ok"``, ``"cpu"``,
        ``"wall"``, ``"crash"``) and ``"seconds"``. It never raises for a bad submission.

    Example:

    >>> result = grade_submission("alice.ipynb", "dist/02_rnn_forward-autograder.zip")
    ... # doctest: +SKIP
    >>> result["total"], result["reasons"]  # doctest: +SKIP
    (4.0, {'softmax': 'wrong answer: AssertionError: ...', ...})
    """
    if not os.path.isfile(autograder_zip):
        raise ValueError(f"No autograder zip found. Received: autograder_zip={autograder_zip!r}")
    _check_limit(cpu_limit, "cpu_limit")
    _check_limit(wall_limit, "wall_limit")
    questions = autograder_questions(autograder_zip)
    defined, syntax_errors = static_check(submission)
    for _attempt in range(1 + RETRIES_AFTER_PORT_RACE):
        with tempfile.TemporaryDirectory() as tmp:
            out_dir = keep_dir or tmp
            os.makedirs(out_dir, exist_ok=True)
            results_path = os.path.join(out_dir, "results.json")
            if os.path.isfile(results_path):
                os.remove(results_path)  # from an earlier attempt or run
            status, seconds, usage = _run_otter(
                os.path.abspath(submission),
                os.path.abspath(autograder_zip),
                out_dir,
                cpu_limit,
                wall_limit,
            )
            results = None
            if status == "ok" and os.path.isfile(results_path):
                with open(results_path, encoding="utf-8") as f:
                    results = {t["name"]: t for t in json.load(f)["tests"]}
            with open(os.path.join(out_dir, "otter.log"), encoding="utf-8", errors="replace") as f:
                log = f.read()
        if results is not None or status == "wall" or PORT_RACE not in log:
            break
    if results is None and status != "wall":
        # RLIMIT_CPU kills the kernel (nbclient: "Kernel died") or otter run itself (SIGXCPU).
        # RLIMIT_CPU killed otter run (signal), or the kernel ("Kernel died" after at least
        # `cpu_limit` CPU seconds). Without the reporter's numbers, use the wall time.
        # A kernel that crashes early can also leave otter run polling it until its own CPU
        # limit: then no process has spent the CPU time in the notebook, and it is a crash.
        died = "DeadKernelError" in log
        if usage is not None:
            code, reaped_cpu, live_cpu = usage
            spent = reaped_cpu >= cpu_limit or live_cpu >= cpu_limit / 2
            killed = (code in _CPU_SIGNALS or died) and spent
        else:
            killed = (died or not log.strip()) and seconds >= cpu_limit
        status = "cpu" if killed else "crash"
        if status == "crash":
            crash = _first_error(log, "the kernel died; no error message")
    scores, reasons = {}, {}
    for name, info in questions.items():
        test = (results or {}).get(name)
        score = float(test["score"]) if test and test.get("score") is not None else 0.0
        scores[name] = score
        if score > 0:
            continue
        missing = [n for n in info["names"] if n not in defined]
        if status == "wall":
            reasons[name] = f"timeout: wall-time limit of {wall_limit:g} s exceeded"
        elif status == "cpu":
            reasons[name] = f"timeout: CPU-time limit of {cpu_limit:g} s exceeded (kernel killed)"
        elif status == "crash" and syntax_errors[:1] and syntax_errors[0].startswith("not a"):
            reasons[name] = f"crash: {syntax_errors[0]}"
        elif status == "crash":
            reasons[name] = f"crash: grading failed ({crash})"
        elif missing and syntax_errors:
            reasons[name] = f"{syntax_errors[0]}; missing function {', '.join(missing)}"
        elif missing:
            reasons[name] = f"missing function {', '.join(missing)}"
        else:
            reasons[name] = f"wrong answer: {_first_error(test.get('output') if test else '')}"
    max_total = sum(info["points"] for info in questions.values())
    return {
        "scores": scores,
        "total": sum(scores.values()),
        "max_total": max_total,
        "reasons": reasons,
        "status": status,
        "seconds": seconds,
    }


def grade_submissions(
    submissions_dir,
    autograder_zip,
    csv_path,
    cpu_limit=CPU_LIMIT,
    wall_limit=WALL_LIMIT,
    workers=2,
):
    """Grades every ``.ipynb`` in a folder and writes one CSV row per student.

    Introduced in the Exercises part.

    Args:
        submissions_dir: Folder of submissions, one ``<student>.ipynb`` each.
        autograder_zip: Path of the assignment's autograder zip.
        csv_path: Where to write the CSV (columns: ``student``, one per question, ``total``,
            ``max_total``, ``status``, ``seconds``, ``reasons``).
        cpu_limit: CPU seconds allowed to each grading process.
        wall_limit: Wall-clock seconds allowed to each submission.
        workers: How many submissions to grade at the same time.

    Returns:
        The list of rows written (dicts), sorted by student.
    """
    if not os.path.isdir(submissions_dir):
        raise ValueError(f"No such folder. Received: submissions_dir={submissions_dir!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"`workers` must be a positive integer. Received: workers={workers!r}")
    paths = sorted(
        os.path.join(submissions_dir, f)
        for f in os.listdir(submissions_dir)
        if f.endswith(".ipynb")
    )
    questions = list(autograder_questions(autograder_zip))

    def grade(path):
        try:
            return grade_submission(path, autograder_zip, cpu_limit, wall_limit)
        except Exception as e:  # one bad submission must not stop the class's grading
            reason = f"crash: grader error ({type(e).__name__}: {e})"[:300]
            return {
                "scores": dict.fromkeys(questions, 0.0),
                "total": 0.0,
                "max_total": sum(
                    autograder_questions(autograder_zip)[q]["points"] for q in questions
                ),
                "reasons": dict.fromkeys(questions, reason),
                "status": "crash",
                "seconds": 0.0,
            }

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(grade, paths))
    rows = []
    for path, result in zip(paths, results, strict=True):
        row = {"student": os.path.splitext(os.path.basename(path))[0]}
        row.update({q: f"{result['scores'][q]:g}" for q in questions})
        row["total"] = f"{result['total']:g}"
        row["max_total"] = f"{result['max_total']:g}"
        row["status"] = result["status"]
        row["seconds"] = f"{result['seconds']:.1f}"
        row["reasons"] = "; ".join(f"{q}: {r}" for q, r in result["reasons"].items())
        rows.append(row)
    fields = ["student", *questions, "total", "max_total", "status", "seconds", "reasons"]
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv=None):
    """Command line: ``python -m seqcourse.grading SUBMISSIONS AUTOGRADER_ZIP CSV``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m seqcourse.grading", description=main.__doc__)
    parser.add_argument("submissions_dir")
    parser.add_argument("autograder_zip")
    parser.add_argument("csv_path")
    parser.add_argument("--cpu-limit", type=float, default=CPU_LIMIT)
    parser.add_argument("--wall-limit", type=float, default=WALL_LIMIT)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rows = grade_submissions(
        args.submissions_dir,
        args.autograder_zip,
        args.csv_path,
        cpu_limit=args.cpu_limit,
        wall_limit=args.wall_limit,
        workers=args.workers,
    )
    print(f"Graded {len(rows)} submission(s) -> {args.csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
