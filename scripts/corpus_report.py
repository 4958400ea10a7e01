"""Run every template of the shared corpus through SafeLambda and print a summary table.

    .venv/bin/python scripts/corpus_report.py [--slowest N] [--shared PATH] [--details]

Each template is loaded with cfn-flip, expanded by aws-sam-translator when it is a SAM template,
transformed, and checked (see tests/corpus_support.py). Exit status 1 when any template ends in
an outcome that is not acceptable (a crash, something lost, a new cfn-lint error, ...).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slowest", type=int, default=10, help="how many slow templates to list")
    parser.add_argument("--shared", help="the shared folder (default: ../shared)")
    parser.add_argument("--details", action="store_true", help="print the detail of every outcome")
    args = parser.parse_args()
    if args.shared:
        os.environ["SAFELAMBDA_SHARED"] = args.shared
    logging.disable(logging.WARNING)  # the translator logs metrics and feature toggles
    import corpus_support as corpus

    files = corpus.corpus_files()
    if not files:
        print(f"no templates under {corpus.CORPUS}", file=sys.stderr)
        return 2
    corpus.warm_up()  # cfn-lint loads its rules once; that is not any template's time
    start = time.perf_counter()
    runs = [corpus.run_template(path) for path in files]
    elapsed = time.perf_counter() - start
    tools = ", ".join(f"{t} {version(t)}" for t in ("aws-sam-translator", "cfn-lint", "cfn-flip"))
    print(f"{len(runs)} templates from {corpus.CORPUS} in {elapsed:.0f} s ({tools})\n")
    counts = Counter(run.outcome for run in runs)
    width = max(len(o) for o in corpus.OUTCOMES)
    print(f"{'outcome':<{width}}  templates")
    for outcome in corpus.OUTCOMES:
        mark = "" if outcome in corpus.ACCEPTABLE or not counts[outcome] else "  <-- fix"
        print(f"{outcome:<{width}}  {counts[outcome]:>9}{mark}")
    processed = [run for run in runs if run.outcome == corpus.OK]
    print(
        f"\n{sum(r.sam for r in runs)} SAM templates; in the {len(processed)} processed, "
        f"{sum(r.functions for r in processed)} functions versioned, "
        f"{sum(r.rewrites for r in processed)} references moved to an alias"
    )
    _slowest(runs, args.slowest)
    for run in runs:
        if args.details or (run.outcome not in corpus.ACCEPTABLE):
            print(f"\n{run.outcome}: {run.name}\n  {run.detail}")
    return 0 if set(counts) <= corpus.ACCEPTABLE else 1


def _slowest(runs: list[Any], count: int) -> None:
    stages = ("load", "sam", "safelambda", "lint")
    print(f"\nslowest {count} (seconds: total = {' + '.join(stages)}):")
    for run in sorted(runs, key=lambda r: -r.total)[:count]:
        parts = " + ".join(f"{run.seconds.get(s, 0):.2f}" for s in stages)
        print(f"  {run.total:5.2f} = {parts}  {run.name}")


if __name__ == "__main__":
    raise SystemExit(main())
