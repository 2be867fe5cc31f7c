"""Build, check and gate the graded assignments (exercises/README.md describes the format).

    python scripts/exercises.py build [NAME ...]   # make exercises
    python scripts/exercises.py check              # build into dist/; committed == fresh?
    python scripts/exercises.py gate [NAME ...]    # solution / blank / wrong / looping
    python scripts/exercises.py grade SUBMISSIONS [--assignment NAME] [--csv PATH]

`build` runs `otter assign` on every `exercises/source/NN_topic/NN_topic.ipynb` and writes

    exercises/student/NN_topic.ipynb             the student notebook (committed)
    seqcourse/exercise_tests/NN_topic/*.py       its public tests, package data (committed)
    dist/NN_topic-autograder.zip                 public + hidden tests (Gradescope format)
    dist/NN_topic/                               otter assign's full output (solutions)

The generated files are normalized (stable cell ids, ruff format) so that a rebuild is
byte-identical and `check` can compare.
"""

import argparse
import ast
import concurrent.futures
import contextlib
import copy
import filecmp
import glob
import io
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
import warnings

import nbformat
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "exercises", "source")
STUDENT = os.path.join(ROOT, "exercises", "student")
PUBLIC = os.path.join(ROOT, "seqcourse", "exercise_tests")
DIST = os.path.join(ROOT, "dist")
RUFF = os.path.join(os.path.dirname(sys.executable), "ruff")

sys.path.insert(0, ROOT)
from seqcourse import grading  # noqa: E402

LOOP_CELL = "# A submission that never finishes.\nwhile True:\n    pass\n"


def assignments(names=None):
    """Names of the assignments that have a source notebook (all, or those asked for)."""
    found = sorted(
        os.path.basename(d)
        for d in glob.glob(os.path.join(SOURCE, "[0-9][0-9]_*"))
        if os.path.isfile(os.path.join(d, os.path.basename(d) + ".ipynb"))
    )
    if names:
        unknown = sorted(set(names) - set(found))
        if unknown:
            sys.exit(f"No source notebook for {unknown}; found {found}")
        return [n for n in found if n in names]
    return found


def gate_config(name):
    path = os.path.join(SOURCE, name, "gate.yml")
    config = {}
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            config = yaml.safe_load(f) or {}
    config.setdefault("cpu_limit", 60)
    config.setdefault("wall_limit", 240)
    # Above what `otter run` itself spends starting (importing otter: ~5-12 s of CPU), so
    # that the limit stops the looping kernel, not the start of the grading.
    config.setdefault("loop_cpu_limit", 30)
    config.setdefault("wrong_answers", [])
    return config


def _normalize_notebook(path):
    """Stable cell ids and no execution state, so that two builds are byte-identical."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        if cell.cell_type == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nbformat.write(nb, path)


def _ruff_format(paths):
    # otter rewrites test bodies with ast.unparse, which adds redundant parentheses (UP034);
    # the safe fixes undo that. What cannot be fixed (a long line) `make lint` reports.
    fix = [RUFF, "check", "--silent", "--fix", "--exit-zero"]
    subprocess.run([*fix, *paths], check=True, cwd=ROOT)
    subprocess.run([RUFF, "format", "-q", *paths], check=True, cwd=ROOT)


def build_one(name, out_root):
    """otter assign NAME into out_root/NAME; returns the otter output folder."""
    from otter.assign import main as otter_assign

    out = os.path.join(out_root, name)
    shutil.rmtree(out, ignore_errors=True)
    master = os.path.join(SOURCE, name, name + ".ipynb")
    # otter assign logs progress on stdout/stderr; the build prints one line per assignment.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        otter_assign(master, out, no_pdfs=True, no_run_tests=True)
    student_nb = os.path.join(out, "student", name + ".ipynb")
    _normalize_notebook(student_nb)
    tests = sorted(glob.glob(os.path.join(out, "student", "tests", "*.py")))
    _ruff_format([student_nb, *tests])
    (zip_path,) = glob.glob(os.path.join(out, "autograder", "*-autograder_*.zip"))
    os.replace(zip_path, os.path.join(out_root, f"{name}-autograder.zip"))
    return out


def install(name, out):
    """Copy a build's student notebook and public tests to their committed places."""
    os.makedirs(STUDENT, exist_ok=True)
    shutil.copyfile(
        os.path.join(out, "student", name + ".ipynb"), os.path.join(STUDENT, name + ".ipynb")
    )
    public = os.path.join(PUBLIC, name)
    shutil.rmtree(public, ignore_errors=True)
    os.makedirs(public)
    for path in sorted(glob.glob(os.path.join(out, "student", "tests", "*.py"))):
        shutil.copyfile(path, os.path.join(public, os.path.basename(path)))


def cmd_build(args):
    os.makedirs(DIST, exist_ok=True)
    for name in assignments(args.names):
        start = time.monotonic()
        out = build_one(name, DIST)
        install(name, out)
        print(
            f"{name}: {os.path.relpath(os.path.join(STUDENT, name + '.ipynb'), ROOT)}, "
            f"dist/{name}-autograder.zip ({time.monotonic() - start:.1f} s)"
        )
    # Student notebooks or public tests of assignments whose source is gone.
    names = set(assignments())
    for path in glob.glob(os.path.join(STUDENT, "*.ipynb")):
        if os.path.basename(path)[:-6] not in names:
            os.remove(path)
    for path in glob.glob(os.path.join(PUBLIC, "*")):
        if os.path.basename(path) not in names and os.path.isdir(path):
            shutil.rmtree(path)
    return 0


def stale_files(out_root):
    """Builds every assignment into out_root; returns the committed files that differ."""
    problems = []
    names = assignments()
    for name in names:
        out = build_one(name, out_root)
        fresh_nb = os.path.join(out, "student", name + ".ipynb")
        committed_nb = os.path.join(STUDENT, name + ".ipynb")
        if not os.path.isfile(committed_nb) or not filecmp.cmp(fresh_nb, committed_nb, False):
            problems.append(os.path.relpath(committed_nb, ROOT))
        fresh = glob.glob(os.path.join(out, "student", "tests", "*.py"))
        fresh = {os.path.basename(p): p for p in fresh}
        committed = glob.glob(os.path.join(PUBLIC, name, "*.py"))
        committed = {os.path.basename(p): p for p in committed}
        for test in sorted(set(fresh) | set(committed)):
            same = test in fresh and test in committed
            if not (same and filecmp.cmp(fresh[test], committed[test], False)):
                problems.append(os.path.relpath(os.path.join(PUBLIC, name, test), ROOT))
    extra = glob.glob(os.path.join(STUDENT, "*.ipynb")) + glob.glob(os.path.join(PUBLIC, "*"))
    extra = [p for p in extra if os.path.basename(p).removesuffix(".ipynb") not in names]
    return problems + [os.path.relpath(p, ROOT) for p in extra]


def cmd_check(args):
    start = time.monotonic()
    os.makedirs(DIST, exist_ok=True)
    problems = stale_files(DIST)  # also leaves a fresh build in dist/ for the gate
    if problems:
        print("Out of date with exercises/source (run `make exercises`):", *problems, sep="\n  ")
        return 1
    print(
        f"exercises: student notebooks and public tests are up to date "
        f"({time.monotonic() - start:.1f} s)"
    )
    return 0


# ----------------------------------------------------------------------------------- gate
def _defines(cell, function):
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return False
    return any(isinstance(n, ast.FunctionDef) and n.name == function for n in tree.body)


def wrong_notebook(solution_nb, wrong):
    """The solution notebook with the cell that defines `wrong["replace"]` replaced."""
    nb = copy.deepcopy(solution_nb)
    cells = [c for c in nb.cells if c.cell_type == "code" and _defines(c, wrong["replace"])]
    if len(cells) != 1:
        raise ValueError(f"{wrong['name']}: no single cell defines {wrong['replace']}()")
    cells[0].source = wrong["code"]
    return nb


def grade_in_process(nb, tests_dir):
    """Runs a notebook's code cells here and its tests with otter's own test-file API.

    Returns ``{question: (score, points, [(hidden, passed), ...])}``. Used by the gate for
    the student notebook and the wrong answers (no kernel: fast); the solution and the
    looping submission go through `otter run` (seqcourse.grading).
    """
    from IPython.core.inputtransformer2 import TransformerManager

    env = {"__name__": "__main__"}
    manager = TransformerManager()
    quiet = contextlib.redirect_stdout(io.StringIO())
    with warnings.catch_warnings(), quiet, contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")  # e.g. overflow in a wrong answer: the tests judge it
        _run_cells(nb, env, manager)
        return _run_tests(env, tests_dir)


def _run_cells(nb, env, manager):
    for cell in nb.cells:
        if cell.cell_type != "code" or "otter.Notebook(" in cell.source:
            continue
        if cell.source.lstrip().startswith("grader.check"):
            continue
        try:
            exec(compile(manager.transform_cell(cell.source), "<cell>", "exec"), env)
        except Exception:  # noqa: S110 - a failing cell must not stop grading, as in otter
            pass


def _run_tests(env, tests_dir):
    from otter.test_files import ExceptionTestFile

    results = {}
    for path in sorted(glob.glob(os.path.join(tests_dir, "*.py"))):
        test = ExceptionTestFile.from_file(path)
        test.run(env)
        cases = [(r.test_case.hidden, r.passed) for r in test.test_case_results]
        results[test.name] = (test.score, test.possible, cases)
    return results


def submit_kernel_runs(name, pool):
    """Queues the `otter run` gradings of the solution and of a looping submission."""
    config = gate_config(name)
    autograder = os.path.join(DIST, f"{name}-autograder.zip")
    solution_path = os.path.join(DIST, name, "autograder", name + ".ipynb")
    work = os.path.join(DIST, "gate", name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    loop = nbformat.read(solution_path, as_version=4)
    first_code = next(i for i, c in enumerate(loop.cells) if c.cell_type == "code")
    loop.cells.insert(first_code + 1, nbformat.v4.new_code_cell(LOOP_CELL))
    loop_path = os.path.join(work, "looping.ipynb")
    nbformat.write(loop, loop_path)
    limits = config["cpu_limit"], config["wall_limit"]
    loop_limits = config["loop_cpu_limit"], config["wall_limit"]
    return (
        pool.submit(grading.grade_submission, solution_path, autograder, *limits),
        pool.submit(grading.grade_submission, loop_path, autograder, *loop_limits),
    )


def check_in_process(name):
    """Blank student notebook and wrong answers; returns (failures, summary parts)."""
    config = gate_config(name)
    tests_dir = os.path.join(DIST, name, "autograder", "tests")
    solution = nbformat.read(os.path.join(DIST, name, "autograder", name + ".ipynb"), 4)
    student = nbformat.read(os.path.join(STUDENT, name + ".ipynb"), as_version=4)
    failures, lines = [], []
    blank = grade_in_process(student, tests_dir)
    blank_total = sum(score for score, _, _ in blank.values())
    lines.append(f"blank {blank_total:g}")
    if blank_total != 0:
        failures.append(f"the untouched student notebook scores {blank_total:g}, not 0")
    if not config["wrong_answers"]:
        failures.append("gate.yml declares no wrong answer")
    for wrong in config["wrong_answers"]:
        results = grade_in_process(wrong_notebook(solution, wrong), tests_dir)
        total = sum(score for score, _, _ in results.values())
        possible = sum(points for _, points, _ in results.values())
        lines.append(f"{wrong['name']} {total:g}/{possible:g}")
        for question in wrong.get("passes_public", []):
            cases = results[question][2]
            if not all(passed for hidden, passed in cases if not hidden):
                failures.append(f"{wrong['name']}: fails the public tests of {question}")
        for question in wrong.get("loses_points", []):
            score, points, _ = results[question]
            if not score < points:
                failures.append(f"{wrong['name']}: scores full marks on {question}")
    return failures, lines


def check_kernel_runs(solution_future, loop_future):
    """The solution has full marks; the looping submission was stopped and scored 0."""
    failures, lines = [], []
    sol = solution_future.result()
    lines.append(f"solution {sol['total']:g}/{sol['max_total']:g} ({sol['seconds']:.1f} s)")
    if sol["total"] != sol["max_total"] or sol["status"] != "ok":
        failures.append(f"the solution scores {sol['total']:g}/{sol['max_total']:g}: {sol}")
    looped = loop_future.result()
    lines.append(f"looping {looped['total']:g} ({looped['status']}, {looped['seconds']:.1f} s)")
    reasons = looped["reasons"].values()
    stopped = looped["status"] == "cpu" and all(r.startswith("timeout") for r in reasons)
    if looped["total"] != 0 or not reasons or not stopped:
        failures.append(f"the looping submission was not stopped and scored 0: {looped}")
    return failures, lines


def cmd_gate(args):
    start = time.monotonic()
    names = assignments(args.names)
    failures, report = [], {name: ([], []) for name in names}
    # Processes, not threads: the in-process checks compile code in this process while the
    # gradings parse notebooks, which CPython 3.11 < 3.11.8 does not survive (gh-106905).
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(args.workers, mp_context=spawn) as pool:
        # Kernel runs (slow) are all queued first, so that they overlap the in-process checks.
        futures = {name: submit_kernel_runs(name, pool) for name in names}
        for step in (check_in_process, lambda name: check_kernel_runs(*futures[name])):
            for name in names:
                try:
                    problems, lines = step(name)
                except Exception as e:  # a broken assignment must not hide the others
                    problems, lines = [f"gate error: {type(e).__name__}: {e}"], ["error"]
                report[name][0].extend(problems)
                report[name][1].extend(lines)
    for name, (problems, lines) in report.items():
        print(f"{name}: " + ", ".join(lines) + (" FAILED" if problems else " ok"))
        failures += [f"{name}: {p}" for p in problems]
    print(f"gate: {len(names)} assignment(s) in {time.monotonic() - start:.0f} s")
    if failures:
        print("FAILED:", *failures, sep="\n  ")
        return 1
    return 0


def cmd_grade(args):
    names = [args.assignment] if args.assignment else None
    if names is None:
        found = set()
        for path in glob.glob(os.path.join(args.submissions, "*.ipynb")):
            with contextlib.suppress(Exception):
                nb = nbformat.read(path, as_version=4)
                found.add(nb.metadata.get("otter", {}).get("assignment_name"))
        found.discard(None)
        if len(found) != 1:
            sys.exit(
                f"Cannot tell the assignment from the submissions ({sorted(found)}); "
                "pass ASSIGNMENT=NN_topic"
            )
        names = sorted(found)
    (name,) = names
    autograder = os.path.join(DIST, f"{name}-autograder.zip")
    if not os.path.isfile(autograder):
        sys.exit(f"{autograder} is missing: run `make exercises` first")
    config = gate_config(name)
    csv_path = args.csv or os.path.join(DIST, f"{name}-grades.csv")
    start = time.monotonic()
    rows = grading.grade_submissions(
        args.submissions,
        autograder,
        csv_path,
        cpu_limit=args.cpu_limit or config["cpu_limit"],
        wall_limit=args.wall_limit or config["wall_limit"],
        workers=args.workers,
    )
    print(
        f"{name}: graded {len(rows)} submission(s) in {time.monotonic() - start:.0f} s "
        f"-> {os.path.relpath(csv_path, ROOT)}"
    )
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="otter assign every assignment (make exercises)")
    p.add_argument("names", nargs="*")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("check", help="fail if committed student files are out of date")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("gate", help="grade solution, blank, wrong and looping submissions")
    p.add_argument("names", nargs="*")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_gate)
    p = sub.add_parser("grade", help="grade a folder of submissions into a CSV (make grade)")
    p.add_argument("submissions")
    p.add_argument("--assignment")
    p.add_argument("--csv")
    p.add_argument("--cpu-limit", type=float)
    p.add_argument("--wall-limit", type=float)
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_grade)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
