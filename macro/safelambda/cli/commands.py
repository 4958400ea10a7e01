"""The three commands behind `safelambda`: read files, run the pure core, print or write."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from ..errors import Problem, Severity, TransformError, error
from ..offline import expand_includes, pipeline
from . import check, plan
from .files import dump_template, load_template, parameter_values, parse_overrides, write
from .logs import routed
from .paths import rebase

FAILED = {"transform": 1, "plan": 1, "check": 3}


def say(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(line, file=sys.stderr)


def verbose(args: argparse.Namespace, line: str) -> None:
    if args.verbose:
        print(line, file=sys.stderr)


def read(path: str, overrides: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A template with its local `AWS::Include` files in place, and its parameter values
    (defaults plus overrides)."""
    template = load_template(path)
    if not isinstance(template, dict):
        raise TransformError([error("SL001", f"{path} does not hold a mapping")])
    folder = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
    template = expand_includes(template, folder)
    return template, parameter_values(template, overrides)


def options(args: argparse.Namespace, values: dict[str, Any]) -> pipeline.Options:
    return pipeline.Options(args.region, args.account_id, values, dict(os.environ), args.macro_name)


def run(args: argparse.Namespace, path: str, overrides: dict[str, str]) -> pipeline.Outcome:
    template, values = read(path, overrides)
    outcome = pipeline.run(template, options(args, values), add_macro=args.command != "check")
    verbose(args, f"{path}: ran {', '.join(outcome.ran) or 'no transform'}")
    if args.command != "check":
        for warning in outcome.all_warnings:
            say(args, warning.render())
    return outcome


def transform_command(args: argparse.Namespace) -> int:
    outcome = run(args, args.template, parse_overrides(args.parameter_overrides))
    chosen = outcome.macro_input if args.before_macro and outcome.macro_input else outcome.output
    write(args.output, dump_template(rebase(chosen, args.template, args.output), args.format))
    return 0


def plan_command(args: argparse.Namespace) -> int:
    outcome = run(args, args.template, parse_overrides(args.parameter_overrides))
    if args.format == "json-patch":
        sys.stdout.write(json.dumps(plan.json_patch(outcome), indent=2, ensure_ascii=False) + "\n")
        return 0
    sys.stdout.write(plan.summary(outcome, args.template))
    return 0


def _processed(
    args: argparse.Namespace, path: str, overrides: dict[str, str]
) -> tuple[check.Processed, tuple[Problem, ...]]:
    outcome = run(args, path, overrides)
    return check.Processed(outcome.output, outcome.options.context), tuple(outcome.all_warnings)


def check_command(args: argparse.Namespace) -> int:
    overrides = parse_overrides(args.parameter_overrides)
    new, warnings = _processed(args, args.template, overrides)
    previous = None
    if args.previous:
        old = load_template(args.previous)
        declared = old.get("Parameters", {}) if isinstance(old, dict) else {}
        known = {k: v for k, v in overrides.items() if k in declared}
        previous, _ = _processed(args, args.previous, known)
    findings = check.run(check.Subject(new, previous, warnings))
    shown = [f for f in findings if not (args.quiet and f.problem.severity is Severity.WARNING)]
    failed = any(f.problem.severity is Severity.ERROR for f in findings)
    if args.format == "json":
        report = {"Template": args.template, "Previous": args.previous, "Passed": not failed}
        report["Findings"] = [f.as_dict() for f in shown]
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        for finding in shown:
            print(finding.problem.render())
        verbose(args, f"{len(findings)} finding(s); {'failed' if failed else 'passed'}")
    return 1 if failed else 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "transform": transform_command,
    "plan": plan_command,
    "check": check_command,
}


def dispatch(args: argparse.Namespace) -> int:
    try:
        with routed(verbose=args.verbose):
            return COMMANDS[args.command](args)
    except TransformError as failure:
        for problem in failure.problems:
            print(problem.render(), file=sys.stderr)
    except Exception as failure:  # one coded line instead of a traceback, as the handler does
        if args.verbose:
            raise
        print(error("SL999", f"{type(failure).__name__}: {failure}").render(), file=sys.stderr)
    return FAILED[args.command]
