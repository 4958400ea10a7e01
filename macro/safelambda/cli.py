"""`safelambda` command line: the only module that reads and writes files and YAML.

Exit codes: 0 success, 1 the template has errors (coded messages on stderr, nothing written),
2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from . import __version__, sam
from .errors import Problem, TransformError, error
from .resolve import DeployContext, partition_of
from .transform import transform

EXAMPLE = """examples:
  safelambda transform samples/arch-switch/template.yaml
  safelambda transform template.yaml -o processed.yaml --parameter-overrides Stage=prod
  safelambda transform template.json --format json --region eu-west-1 --account-id 111122223333
"""
MACRO = "SafeLambda"


def _plain(value: Any) -> Any:
    """Plain dicts and strings: YAML reads `2010-09-09` as a date, CloudFormation as a string."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load_template(path: str) -> Any:
    """A template from a file or `-` (stdin), YAML or JSON with CloudFormation short tags."""
    from .loader import load_json, load_yaml

    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
    except (OSError, UnicodeDecodeError) as failure:
        reason = getattr(failure, "strerror", None) or "not UTF-8 text"
        raise TransformError([error("SL013", f"cannot read {path}: {reason}")]) from None
    try:
        # cfn_flip.load would hide a YAML error behind the JSON decoder's; report the real one.
        data = load_json(text) if text.lstrip().startswith("{") else load_yaml(text)
    except TransformError:
        raise
    except Exception as failure:  # the loaders raise many types; all mean "not a template"
        reason = str(failure).splitlines()[0] if str(failure) else type(failure).__name__
        raise TransformError([error("SL013", f"cannot parse {path}: {reason}")]) from None
    return _plain(data)


def dump_template(template: Mapping[str, Any], fmt: str) -> str:
    """JSON, or YAML in short form (`!Ref`, `!Sub`) keeping the template's key order."""
    if fmt == "json":
        return json.dumps(template, indent=2, ensure_ascii=False) + "\n"
    import cfn_flip
    from cfn_tools.odict import ODict

    def ordered(value: Any) -> Any:
        if isinstance(value, dict):
            return ODict([(k, ordered(v)) for k, v in value.items()])
        return [ordered(v) for v in value] if isinstance(value, list) else value

    return str(cfn_flip.dump_yaml(ordered(template)))


def parse_overrides(items: Sequence[str]) -> dict[str, str]:
    """`Key=Value` pairs or `ParameterKey=K,ParameterValue=V`, as `sam deploy` takes them."""
    values: dict[str, str] = {}
    for position, item in enumerate(items, 1):
        if item.startswith("ParameterKey="):
            key, sep, value = item[len("ParameterKey=") :].partition(",ParameterValue=")
        else:
            key, sep, value = item.partition("=")
        if not sep or not key:
            raise TransformError(
                [
                    error(
                        "SL013",
                        # by position: a malformed override may hold a secret value
                        f"parameter override {position} is not Key=Value",
                        None,
                        "--parameter-overrides",
                    )
                ]
            )
        values[key] = value
    return values


def parameter_values(template: Mapping[str, Any], overrides: Mapping[str, str]) -> dict[str, Any]:
    """What CloudFormation passes a macro as `templateParameterValues`: defaults plus overrides."""
    declared = template.get("Parameters")
    declared = declared if isinstance(declared, dict) else {}
    problems: list[Problem] = [
        error("SL013", "is not a parameter of this template", key, "--parameter-overrides")
        for key in overrides
        if key not in declared
    ]
    values: dict[str, Any] = {}
    for name, declaration in declared.items():
        spec = declaration if isinstance(declaration, dict) else {}
        if name in overrides:
            value: Any = overrides[name]
        elif "Default" in spec:
            value = spec["Default"]
        else:
            problems.append(
                error(
                    "SL013",
                    f"has no Default; give it with --parameter-overrides {name}=VALUE",
                    name,
                    "Parameters",
                )
            )
            continue
        kind = str(spec.get("Type", "String"))
        is_list = kind == "CommaDelimitedList" or kind.startswith("List<")
        values[name] = value.split(",") if is_list and isinstance(value, str) else value
        if not is_list and isinstance(value, int | float) and not isinstance(value, bool):
            values[name] = str(value)
    if problems:
        raise TransformError(problems)
    return values


def _macro_parameters(template: Mapping[str, Any]) -> dict[str, Any]:
    for item in sam.transforms_of(template):
        if isinstance(item, dict) and item.get("Name") == MACRO:
            found = item.get("Parameters", {})
            return found if isinstance(found, dict) else {}
    return {}


def run_transform(args: argparse.Namespace) -> dict[str, Any]:
    template = load_template(args.template)
    if not isinstance(template, dict):
        raise TransformError([error("SL001", "the file does not hold a mapping")])
    values = parameter_values(template, parse_overrides(args.parameter_overrides))
    partition, _ = partition_of(args.region)
    transforms = sam.transforms_of(template)
    params = _macro_parameters(template)
    if sam.SAM_TRANSFORM in transforms:
        template = sam.expand(template, values, args.region, partition)
    context = DeployContext(args.region, args.account_id, values)
    result = transform(template, context, parameters=params, environ=os.environ)
    for warning in result.report.warnings:
        _say(args, warning.render())
    processed = result.template
    processed.pop("Transform", None)
    return processed


def _say(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        print(line, file=sys.stderr)


def _write(path: str | None, text: str) -> None:
    """stdout, or the whole file at once: a failed run never leaves half a template behind."""
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, encoding="utf-8") as out:
        out.write(text)
    os.replace(out.name, path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safelambda",
        description="Publish a Version and an Alias for every Lambda function of a CloudFormation "
        "template and point every integration at the alias, so no caller sees the torn "
        "state of an update.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"safelambda {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = commands.add_parser(
        "transform",
        help="expand a template offline, as the SafeLambda macro would at deploy time",
        description="Run the template's transforms offline (AWS::Serverless-2016-10-31 through "
        "aws-sam-translator, then SafeLambda) and print the processed template.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("template", help="template file (YAML or JSON); - reads stdin")
    sub.add_argument("-o", "--output", help="write here instead of stdout (only on success)")
    sub.add_argument(
        "--parameter-overrides",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="parameter values, as sam deploy takes them (Key=Value or "
        "ParameterKey=K,ParameterValue=V)",
    )
    sub.add_argument("--region", default="us-east-1", help="deploy region (default us-east-1)")
    sub.add_argument("--account-id", default="123456789012", help="deploy account ID")
    sub.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format")
    sub.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        processed = run_transform(args)
        _write(args.output, dump_template(processed, args.format))
    except TransformError as failure:
        for problem in failure.problems:
            print(problem.render(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
