"""SafeLambda's transform against the JSON floor and against SAM's own transform.

    .venv/bin/python benchmarks/run.py                      # the README figures
    .venv/bin/python benchmarks/run.py --sizes 10 100 --repeat 3
    .venv/bin/python benchmarks/run.py --profile 200        # where the time goes

For each N it generates a SAM template of N functions (`generate.py`), expands it with
aws-sam-translator, then times in one process, interleaved, best of `--repeat`:
SafeLambda's transform of the expanded template; `json.loads(json.dumps(t))` of the same
template (the floor: the macro must at least decode and encode it); and aws-sam-translator's
transform of the SAM template. Cold start is the import time of `safelambda.handler` in a fresh
interpreter next to the Powertools pieces it uses; memory is tracemalloc's peak over one
transform of the largest template, as a multiple of the template's JSON size.

Templates of 50 or more functions exceed CloudFormation's 500-resource limit (SL008); the
benchmark lifts that one check so the growth of the work itself can be measured.
"""

from __future__ import annotations

import argparse
import compileall
import copy
import cProfile
import gc
import json
import logging
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import generate

import safelambda
from safelambda.offline import sam
from safelambda.template.resolve import DeployContext
from safelambda.transform import transform

CONTEXT = DeployContext("us-east-1", "123456789012", generate.PARAMETERS)
MEASURES = ("safelambda", "json", "sam")
# CPU time: on a shared machine, wall time mostly measures the neighbours.
PROBE = "import time\nstart = time.process_time()\n%s\nprint(time.process_time() - start)\n"
IMPORTS = {
    "safelambda.handler": "import safelambda.handler",
    "powertools": (
        "from aws_lambda_powertools import Logger, Metrics\n"
        "from aws_lambda_powertools.metrics import MetricUnit"
    ),
}


@dataclass
class Case:
    """One template size: the SAM source, its expansion and the best time of each measure."""

    count: int
    source: dict[str, Any]
    expanded: dict[str, Any]
    best: dict[str, float] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Bytes of the expanded template as JSON (what SL007 compares to the 1 MB limit)."""
        return len(json.dumps(self.expanded, default=str))

    def run(self, measure: str) -> Callable[[], object]:
        """A zero-argument call doing the measured work; any input copy happens before it."""
        if measure == "safelambda":
            return lambda: transform(self.expanded, CONTEXT)
        if measure == "json":
            return lambda: json.loads(json.dumps(self.expanded))
        fresh = copy.deepcopy(self.source)  # the translator edits its input in place
        return lambda: sam.expand(fresh, generate.PARAMETERS, CONTEXT.region, "aws")


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None  # None: not measured in this run
    limit: float
    unit: str

    def line(self) -> str:
        if self.value is None:
            return f"n/a   {self.name} (not measured: run the default sizes)"
        verdict = "PASS" if self.value <= self.limit else "MISS"
        measured = f"{self.value:.3g}{self.unit}"
        return f"{verdict}  {self.name}: {measured} (target <= {self.limit:g}{self.unit})"


def lift_resource_limit() -> None:
    # `safelambda.transform` the module, not the function the package exports under that name.
    vars(sys.modules["safelambda.transform"])["RESOURCE_LIMIT"] = sys.maxsize


def prepare(counts: Sequence[int]) -> list[Case]:
    logging.getLogger("samtranslator").setLevel(logging.ERROR)  # "unpublished metrics" noise
    cases = []
    for count in counts:
        source = generate.template(count)
        expanded = sam.expand(copy.deepcopy(source), generate.PARAMETERS, CONTEXT.region, "aws")
        cases.append(Case(count, source, expanded))
    return cases


def time_all(cases: list[Case], repeat: int) -> None:
    """Best of `repeat`, interleaving sizes and measures so machine noise hits all alike."""
    for _ in range(repeat):
        for case in cases:
            for measure in MEASURES:
                call = case.run(measure)
                gc.collect()
                start = time.perf_counter()
                call()
                elapsed = time.perf_counter() - start
                case.best[measure] = min(elapsed, case.best.get(measure, elapsed))


def import_times(runs: int) -> dict[str, float]:
    """Median import time of each entry in IMPORTS, each run in a fresh interpreter.

    Both with bytecode caches: pip writes them for Powertools when it installs it, and an
    editable install of SafeLambda gets them only from its first import, which an inherited
    PYTHONDONTWRITEBYTECODE prevents. Without them every run would compile SafeLambda's source.
    """
    compileall.compile_dir(os.path.dirname(safelambda.__file__), quiet=1)
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for round_ in range(runs + 1):
        for name, body in IMPORTS.items():
            out = subprocess.run(
                [sys.executable, "-c", PROBE % body],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if round_:  # the first round only warms the file system cache
                samples[name].append(float(out))
    return {name: statistics.median(values) for name, values in samples.items()}


def peak_memory(call: Callable[[], object]) -> int:
    """tracemalloc's peak over `call`, its result included (a transform returns the template)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    from samtranslator import __version__ as sam_version

    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"aws-sam-translator {sam_version}"
    )


def table(cases: list[Case]) -> list[str]:
    lines = [
        "|   N | resources | JSON KB | SafeLambda ms | per function µs | JSON ms | SAM ms "
        "| SL/JSON | SL/SAM |",
        "|----:|----------:|--------:|--------------:|----------------:|--------:|-------:"
        "|--------:|-------:|",
    ]
    for case in cases:
        sl, js, sm = (case.best[m] for m in MEASURES)
        lines.append(
            f"| {case.count:3d} | {len(case.expanded['Resources']):9d} | {case.size / 1000:7.0f} "
            f"| {sl * 1000:13.1f} | {sl / case.count * 1e6:15.0f} | {js * 1000:7.1f} "
            f"| {sm * 1000:6.0f} | {sl / js:6.1f}x | {sl / sm:6.3f} |"
        )
    return lines


def growth(cases: list[Case], measure: str) -> float | None:
    by_count = {case.count: case for case in cases}
    if 100 not in by_count or 200 not in by_count:
        return None
    return by_count[200].best[measure] / by_count[100].best[measure]


def targets(cases: list[Case], imports: dict[str, float], memory: float | None) -> list[Target]:
    at_100 = next((case for case in cases if case.count == 100), None)
    json_ratio = at_100.best["safelambda"] / at_100.best["json"] if at_100 else None
    sam_ratio = at_100.best["safelambda"] / at_100.best["sam"] if at_100 else None
    extra_ms = (imports["safelambda.handler"] - imports["powertools"]) * 1000
    return [
        Target("SafeLambda / JSON round trip at N=100", json_ratio, 10, "x"),
        Target("SafeLambda / SAM transform at N=100", sam_ratio, 1 / 20, ""),
        Target("growth of SafeLambda's time, N=200 / N=100", growth(cases, "safelambda"), 2.3, "x"),
        Target("handler import beyond Powertools import", extra_ms, 30, " ms"),
        Target("peak memory of one transform of N=200", memory, 4, "x template"),
    ]


def profile(case: Case) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(transform, case.expanded, CONTEXT)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100, 200])
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    parser.add_argument("--cold", type=int, default=21, help="fresh interpreters per import")
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile one transform, exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    lift_resource_limit()
    if args.profile:
        profile(prepare([args.profile])[0])
        return 0
    print(f"machine: {machine()}")
    cases = prepare(args.sizes)
    time_all(cases, args.repeat)
    print(f"best of {args.repeat}, interleaved:")
    print("\n".join(table(cases)))
    for measure in MEASURES:
        ratio = growth(cases, measure)
        if ratio is not None:
            print(f"growth N=200/N=100: {measure} {ratio:.2f}x")
    imports = import_times(args.cold)
    print(
        f"import in a fresh interpreter (CPU time, median of {args.cold}): "
        + ", ".join(f"{name} {seconds * 1000:.1f} ms" for name, seconds in imports.items())
    )
    largest = max(cases, key=lambda case: case.count)
    peak = peak_memory(largest.run("safelambda"))
    text = json.dumps(largest.expanded)
    decoded = peak_memory(lambda: json.loads(text))  # what Lambda does to the event first
    print(
        f"peak memory of one transform at N={largest.count}: {peak / 1e6:.1f} MB "
        f"= {peak / largest.size:.2f}x the template's {largest.size / 1e6:.2f} MB of JSON "
        f"(decoding that JSON alone: {decoded / largest.size:.2f}x)"
    )
    memory = peak / largest.size if largest.count == 200 else None
    verdicts = [target.line() for target in targets(cases, imports, memory)]
    print("\n".join(verdicts))
    return 1 if args.strict and any(v.startswith("MISS") for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
