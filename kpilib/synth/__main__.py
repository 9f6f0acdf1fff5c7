"""Write the sample workshop: ``python -m kpilib.synth --out data/sample``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpilib.exceptions import KpiError
from kpilib.synth import SAMPLE_SEED, write_contacts_parquet, write_sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kpilib.synth",
        description="Write Glasvezel Noord's raw exports and workshop.yaml (the sample workshop), "
                    "or, with --contacts, a Parquet file of generated contacts for benchmarks.")
    parser.add_argument("--out", required=True, help="workshop folder (or Parquet file with --contacts)")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help=f"default {SAMPLE_SEED}")
    parser.add_argument("--start", default="2026-04-01", help="first date of the period")
    parser.add_argument("--months", type=int, default=3, help="length of the period in months")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the customer base")
    parser.add_argument("--contacts", type=int, help="write this many contacts to Parquet instead")
    args = parser.parse_args(argv)
    try:
        if args.contacts:
            path = write_contacts_parquet(args.out, args.contacts, seed=args.seed, start=args.start,
                                          months=args.months)
            print(f"wrote {args.contacts:,} contacts to {path}")
            return 0
        for path in write_sample(Path(args.out), seed=args.seed, start=args.start, months=args.months,
                                 scale=args.scale):
            print(f"wrote {path} ({path.stat().st_size / 1024:,.0f} KiB)")
    except KpiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
