"""Time `check` on a contacts export of N lines of which a share splits wrongly (issue 17).

    python bench/malformed.py OUT_FOLDER [--lines 200000] [--bad 0.2] [--kind extra|short|quote]

Writes a workshop with only the sample's contacts source, its export repeated to N lines
(ids made unique); every line picked as bad is broken as ``--kind`` says (a value too many by default).  Then runs
`kpi-workshop check` in a subprocess and prints the seconds and the peak memory (MB).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


#: How a bad line is broken: a value too many, a line cut short, or a stray quote in a value.
BREAK = {"extra": lambda line: line + ";extra", "short": lambda line: line.rsplit(";", 3)[0],
         "garbage": lambda line: "".join(random.Random(line).choices('ab1;;;"  ', k=len(line))),
         "quote": lambda line: line.replace(";Helpdesk;", ';Help"desk;', 1).replace(";IN;", ';"IN;', 1)}


def build(out: Path, lines: int, bad: float, kind: str = "extra") -> None:
    config = yaml.safe_load((SAMPLE / "workshop.yaml").read_text(encoding="utf-8"))
    contacts = config["sources"]["contacts"]
    (out / "exports").mkdir(parents=True, exist_ok=True)
    (out / "workshop.yaml").write_text(yaml.safe_dump({"client": "Bench", "sources": {"contacts": contacts}},
                                                      allow_unicode=True, sort_keys=False), encoding="utf-8")
    raw = (SAMPLE / contacts["file"]).read_text(encoding="cp1252").splitlines()
    head, body = raw[0], raw[1:]
    rng = random.Random(17)
    with open(out / contacts["file"], "w", encoding="cp1252", newline="\n") as f:
        f.write(head + "\n")
        for i in range(lines - 1):
            fields = body[i % len(body)].split(";")
            fields[0] = str(700_000_000 + i)
            line = ";".join(fields)
            f.write((BREAK[kind](line) if rng.random() < bad else line) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--bad", type=float, default=0.2)
    parser.add_argument("--kind", choices=list(BREAK), default="extra")
    args = parser.parse_args()
    build(args.out, args.lines, args.bad, args.kind)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from kpilib.cli import main; main()", "check", str(args.out)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{args.lines} lines, {args.bad:.0%} bad ({args.kind}): {seconds:.1f} s, peak {peak:.0f} MB, exit {done.returncode}")
    print("\n".join((done.stdout + done.stderr).splitlines()[:4]))


if __name__ == "__main__":
    main()
