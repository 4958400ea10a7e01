"""The commands behind `safelambda`: read files, run the pure core, print or write."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from ..errors import Problem, Severity, TransformError, error
from ..offline import expand_includes, pipeline
from . import acknowledge, check, gate, layers, local, plan
from .files import dump_template, load_template, parameter_values, parse_overrides, write
from .logs import routed
from .paths import rebase

FAILED = {"transform": 1, "plan": 1, "check": 3, "layers": 1}


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
    """`transform` and `plan`: the template through its transforms, then SafeLambda."""
    template, values = read(path, overrides)
    outcome = pipeline.run(template, options(args, values), add_macro=True)
    verbose(args, f"{path}: ran {', '.join(outcome.ran) or 'no transform'}")
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
    args: argparse.Namespace, path: str, template: dict[str, Any], values: dict[str, Any]
) -> tuple[check.Processed, tuple[Problem, ...]]:
    """`check`: the template (its local includes in place) through the transforms it lists,
    and only those."""
    folder = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
    outcome = pipeline.run(expand_includes(template, folder), options(args, values))
    verbose(args, f"{path}: ran {', '.join(outcome.ran) or 'no transform'}")
    return check.Processed(outcome.output, outcome.options.context), tuple(outcome.all_warnings)


def check_command(args: argparse.Namespace) -> int:
    acknowledged, wrong = acknowledge.from_command_line(args.acknowledge)
    if wrong:
        for problem in wrong:
            print(problem.render(), file=sys.stderr)
        return 2
    overrides = parse_overrides(args.parameter_overrides)
    source, values = read(args.template, overrides)
    new, warnings = _processed(args, args.template, source, values)
    previous = None
    if args.previous:
        old = load_template(args.previous)
        declared = old.get("Parameters", {}) if isinstance(old, dict) else {}
        known = {k: v for k, v in overrides.items() if k in declared}
        previous, _ = _processed(args, args.previous, *read(args.previous, known))
    reader = local.Reader(lambda path, template, values: _processed(args, path, template, values))
    subject = reader.subject(
        args.template, source, processed=new, warnings=warnings, previous=previous
    )
    findings = gate.run(subject, acknowledged)
    return _report(args, findings)


def _report(args: argparse.Namespace, findings: list[check.Finding]) -> int:
    open_ = [f for f in findings if f.acknowledged is None]
    reviewed = [f for f in findings if f.acknowledged is not None]
    shown = [f for f in open_ if not (args.quiet and f.problem.severity is Severity.WARNING)]
    failed = any(f.problem.severity is Severity.ERROR for f in open_)
    if args.format == "json":
        report = {"Template": args.template, "Previous": args.previous, "Passed": not failed}
        report["Findings"] = [f.as_dict() for f in shown]
        report["Acknowledged"] = [f.as_dict() for f in reviewed]
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        for finding in shown:
            print(finding.render())
        for finding in reviewed:  # listed even with --quiet: they are the review's record
            print(f"acknowledged {finding.render()} [{_acknowledged_by(finding)}]")
        summary = f"{len(open_)} finding(s), {len(reviewed)} acknowledged"
        verbose(args, f"{summary}; {'failed' if failed else 'passed'}")
    return 1 if failed else 0


def _acknowledged_by(finding: check.Finding) -> str:
    by = finding.acknowledged
    return f"{by.by}: {by.reason}" if by and by.reason else (by.by if by else "")


def layers_command(args: argparse.Namespace) -> int:
    if args.family is None:
        sys.stdout.write(layers.listing(args.format))
    else:
        print(layers.arn(args.family, args.region, args.architecture))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "transform": transform_command,
    "plan": plan_command,
    "check": check_command,
    "layers": layers_command,
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
