"""Static checks of the stored chapter notebooks (`make test` runs this after nbval).

    python scripts/check_notebooks.py notebooks/*.ipynb

A notebook passes when
  - it was executed top to bottom: every code cell ran, execution counts are 1..N in order;
  - it stores no error output and nothing on stderr (TensorFlow log noise, warnings);
  - its first code cell is the Colab-only install cell naming the repository URL of
    _config.yml, and the next code cell imports seqcourse and calls seqcourse.setup(...);
  - every cell marked `# NBVAL_IGNORE_OUTPUT` is followed by a code cell that asserts;
  - it has the chapter outline: learning objectives, summary, at least three exercises each
    with a solution, references (a {footbibliography} of its {footcite} citations);
  - figures are PNG (no SVG) and the file is under MAX_BYTES.
Exit status 1 lists every problem.
"""

import json
import pathlib
import re
import sys

MAX_BYTES = 1_500_000
ROOT = pathlib.Path(__file__).resolve().parents[1]


def repository_url(config=ROOT / "_config.yml"):
    match = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", config.read_text(), re.MULTILINE)
    if not match:
        raise ValueError(f"{config} has no `repository: url:` entry")
    return match.group(1)


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def check(path, url):
    problems = []
    if path.stat().st_size > MAX_BYTES:
        problems.append(f"file is {path.stat().st_size / 1e6:.2f} MB (limit {MAX_BYTES / 1e6} MB)")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"not a readable notebook: {exc}"]
    cells = nb.get("cells", [])
    code = [c for c in cells if c.get("cell_type") == "code"]
    if len(code) < 2:
        return problems + ["fewer than two code cells"]

    counts = [c.get("execution_count") for c in code]
    if counts != list(range(1, len(code) + 1)):
        problems.append(f"execution counts are not 1..{len(code)}: {counts[:10]}")
    for i, cell in enumerate(code, 1):
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error":
                problems.append(f"code cell {i}: stored error {out.get('ename')}")
            if kind == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))[:80].replace("\n", " ")
                problems.append(f"code cell {i}: stderr output: {text}")
            if "image/svg+xml" in out.get("data", {}):
                problems.append(f"code cell {i}: SVG figure (store PNG)")

    first, second = _source(code[0]), _source(code[1])
    if "google.colab" not in first or url not in first:
        problems.append(f"first code cell must be the Colab-only install cell naming {url}")
    first_code = "\n".join(ln.split("#", 1)[0] for ln in first.splitlines())
    if "tensorflow" in first_code.lower():
        problems.append("the Colab install cell must not install TensorFlow")
    if "import seqcourse" not in second or "seqcourse.setup(" not in second:
        problems.append("second code cell must import seqcourse and call seqcourse.setup(...)")

    for i, cell in enumerate(code, 1):
        if "# NBVAL_IGNORE_OUTPUT" in _source(cell):
            following = _source(code[i]) if i < len(code) else ""
            if not re.search(r"^\s*assert\b", following, re.MULTILINE):
                problems.append(
                    f"code cell {i} ignores its output but code cell {i + 1} asserts nothing"
                )

    text = "\n".join(_source(c) for c in cells if c.get("cell_type") == "markdown")
    for heading in ("Learning objectives", "Summary", "Exercises", "References"):
        if not re.search(rf"^#+ .*{heading}", text, re.MULTILINE | re.IGNORECASE):
            problems.append(f"no '{heading}' section")
    exercises = re.findall(r"^:::+\{exercise\}|^`{3,}\{exercise\}", text, re.MULTILINE)
    solutions = re.findall(r"^:::+\{solution\}|^`{3,}\{solution\}", text, re.MULTILINE)
    if len(exercises) < 3 or len(solutions) < len(exercises):
        problems.append(
            f"{len(exercises)} exercises and {len(solutions)} solutions (need >= 3 each)"
        )
    # Per-chapter references are footnote bibliographies: a key cited in two chapters would
    # be a duplicate citation (a build warning) with one {bibliography} per chapter.
    if "{footbibliography}" not in text:
        problems.append("no {footbibliography} directive (cite with {footcite})")
    if re.search(r"\{cite(:[a-z]+)?\}|\{bibliography\}", text):
        problems.append("uses {cite}/{bibliography}; chapters use {footcite}/{footbibliography}")
    return problems


def main(argv):
    paths = [pathlib.Path(a) for a in argv]
    if not paths:
        print("usage: check_notebooks.py NOTEBOOK...")
        return 2
    url = repository_url()
    bad = 0
    for path in paths:
        problems = check(path, url)
        if problems:
            bad += 1
            print(f"{path}:")
            print("\n".join(f"  - {p}" for p in problems))
    print(f"check_notebooks: {len(paths) - bad}/{len(paths)} notebooks clean")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
