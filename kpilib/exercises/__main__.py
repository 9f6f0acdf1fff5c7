"""``python -m kpilib.exercises generate|progress``: regenerate the trainee notebooks, or list progress.

- ``generate``: write every trainee notebook from its solution notebook (outputs stripped);
  ``generate --check`` writes nothing and exits 1 when one is missing or out of date.
- ``progress``: which exercises are done (the latest check of each, see ``progress_file()``).
"""

from __future__ import annotations

import argparse
import sys

from kpilib.exercises._notebooks import EXERCISES_DIR, generate, strip_solutions
from kpilib.exercises._progress import progress, progress_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kpilib.exercises",
                                     description="Regenerate the trainee notebooks, or list which exercises are done.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate", help="write the trainee notebooks from the solution notebooks")
    make.add_argument("--check", action="store_true", help="write nothing; exit 1 when a notebook is out of date")
    commands.add_parser("progress", help="list which exercises are done")
    args = parser.parse_args(argv)
    if args.command == "progress":
        table = progress()
        print(f"Progress from {progress_file()}:\n")
        print(table.to_string(index=False))
        print(f"\n{int(table.done.sum())} of {len(table)} exercises done.")
        return 0
    if args.check:
        stale = generate(check=True)
        for path in stale:
            print(f"{path.relative_to(EXERCISES_DIR.parent.parent)} is out of date", file=sys.stderr)
        if stale:
            print("Run `make exercises` (python -m kpilib.exercises generate) and commit the result.",
                  file=sys.stderr)
        return 1 if stale else 0
    stripped = strip_solutions()
    written = generate()
    for path in stripped:
        print(f"stripped outputs from {path.relative_to(EXERCISES_DIR.parent.parent)}")
    for path in written:
        print(f"wrote {path.relative_to(EXERCISES_DIR.parent.parent)}")
    if not written:
        print("the trainee notebooks are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
