"""Trainee notebooks, generated from the solution notebooks: the solutions are the only copy written by hand.

In a solution notebook (``notebooks/exercises/solutions/exNN_<slug>.ipynb``) the solution code of
a code cell sits between a line ``### BEGIN SOLUTION`` and a line ``### END SOLUTION``; a whole
cell tagged ``solution`` (for example a markdown answer to "why do they differ?") is a solution
too. The trainee notebook (``notebooks/exercises/exNN_<slug>.ipynb``) gets, in place of each
block, ``# your code here`` and one ``name = ...`` line for each name the block assigns at the
top level that a later cell reads; a tagged markdown cell becomes "*Your answer here.*".
Outputs and execution counts are stripped from both.
"""

from __future__ import annotations

import re
from pathlib import Path


#: The folder of the trainee notebooks; the solutions are in its ``solutions/`` subfolder.
EXERCISES_DIR = Path(__file__).resolve().parents[2] / "notebooks" / "exercises"
SOLUTIONS_DIR = EXERCISES_DIR / "solutions"

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
SOLUTION_TAG = "solution"
PLACEHOLDER = "# your code here"
ANSWER_PLACEHOLDER = "*Your answer here.*"
_ASSIGNED = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)")


def solution_notebooks() -> list[Path]:
    return sorted(SOLUTIONS_DIR.glob("ex*.ipynb"))


def trainee_path(solution: Path) -> Path:
    return EXERCISES_DIR / solution.name


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _blocks(source: str, where: str) -> list[tuple[int, int]]:
    """(begin, end) line indexes of the solution blocks in ``source``; a malformed block is an error."""
    lines = source.splitlines()
    blocks, begin = [], None
    for i, line in enumerate(lines):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise ValueError(f"{where}: `{BEGIN}` on line {i + 1} inside another block")
            begin = i
        elif marker == END:
            if begin is None:
                raise ValueError(f"{where}: `{END}` on line {i + 1} without `{BEGIN}`")
            blocks.append((begin, i))
            begin = None
    if begin is not None:
        raise ValueError(f"{where}: `{BEGIN}` on line {begin + 1} is never closed by `{END}`")
    return blocks


def solution_code(solution: Path) -> str:
    """The solution code of a solution notebook: its blocks, cell by cell."""
    import nbformat  # imported here: checks run in every exercise notebook and need none of it

    nb = nbformat.read(solution, as_version=4)
    pieces = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        for begin, end in _blocks(cell.source, f"{solution.name}, cell {index + 1}"):
            pieces.append("\n".join(lines[begin + 1:end]))
    return "\n\n".join(pieces)


def _visible(source: str, where: str) -> str:
    """``source`` without its solution blocks: what a trainee sees of a cell."""
    lines = source.splitlines()
    keep, start = [], 0
    for begin, end in _blocks(source, where):
        keep += lines[start:begin]
        start = end + 1
    return "\n".join(keep + lines[start:])


def _placeholder(block: list[str], later: str, indent: str) -> list[str]:
    names = []
    for line in block:
        match = _ASSIGNED.match(line[len(indent):] if line.startswith(indent) else line)
        if match and match.group(1) not in names and re.search(rf"\b{match.group(1)}\b", later):
            names.append(match.group(1))
    return [indent + PLACEHOLDER] + [f"{indent}{name} = ..." for name in names]


def trainee_notebook(solution: Path):
    """The trainee version of ``solution`` (an nbformat notebook): solution code replaced by placeholders,
    outputs stripped."""
    import nbformat

    nb = nbformat.read(solution, as_version=4)
    cells = nb.cells
    for index, cell in enumerate(cells):
        where = f"{solution.name}, cell {index + 1}"
        if SOLUTION_TAG in _tags(cell):
            cell.source = ANSWER_PLACEHOLDER if cell.cell_type == "markdown" else PLACEHOLDER
            cell.metadata["tags"] = [t for t in _tags(cell) if t != SOLUTION_TAG]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
        elif cell.cell_type == "code":
            later = "\n".join(_visible(c.source, where) for c in cells[index + 1:]
                              if c.cell_type == "code" and SOLUTION_TAG not in _tags(c))
            lines = cell.source.splitlines()
            out, start = [], 0
            for begin, end in _blocks(cell.source, where):
                indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
                rest = _visible("\n".join(lines[end + 1:]), where) + "\n" + later
                out += lines[start:begin] + _placeholder(lines[begin + 1:end], rest, indent)
                start = end + 1
            cell.source = "\n".join(out + lines[start:])
        _strip(cell)
    nb.metadata["kpilib_exercise"] = {"generated_from": f"solutions/{solution.name}"}
    return nb


def _strip(cell) -> None:
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    cell.metadata.pop("execution", None)


def _text(nb) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


def generate(*, check: bool = False) -> list[Path]:
    """Write every trainee notebook from its solution notebook.

    Parameters
    ----------
    check : bool
        Write nothing; return the trainee notebooks that are missing or out of date.

    Returns
    -------
    list of Path
        The notebooks written (or, with ``check``, the ones out of date).
    """
    changed = []
    for solution in solution_notebooks():
        target = trainee_path(solution)
        text = _text(trainee_notebook(solution))
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(target)
            if not check:
                target.write_text(text, encoding="utf-8")
    return changed


def strip_solutions() -> list[Path]:
    """Remove outputs and execution counts from the solution notebooks; return those changed."""
    import nbformat

    changed = []
    for solution in solution_notebooks():
        nb = nbformat.read(solution, as_version=4)
        for cell in nb.cells:
            _strip(cell)
        text = _text(nb)
        if solution.read_text(encoding="utf-8") != text:
            solution.write_text(text, encoding="utf-8")
            changed.append(solution)
    return changed
