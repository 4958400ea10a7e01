"""The `safelambda` command line: every command, option, example and exit code, in one place."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from .. import __version__
from ..errors import error

TOP = """examples:
  safelambda transform samples/arch-switch/template.yaml
  safelambda plan samples/sam-app/template.yaml
  safelambda check --previous samples/arch-switch/previous.yaml \\
      samples/arch-switch/unprotected.yaml

Run `safelambda COMMAND --help` for each command's options, examples and exit codes.
"""

COMMANDS: dict[str, tuple[str, str, str]] = {
    "transform": (
        "expand a template offline, as CloudFormation would at deploy time",
        "Run the template's Transform list in order, offline: AWS::LanguageExtensions (the "
        "parts that need only parameter values), AWS::Serverless-2016-10-31 (aws-sam-translator,"
        " the 'sam' extra), then SafeLambda, after what SAM CLI and CloudFormation do first: "
        "local AWS::Include files inserted, a missing CodeUri read as the template's folder, an "
        "image function's tag from its Metadata, Serverless Application Repository apps as "
        "nested stacks with a placeholder URL; no AWS call. The result is plain CloudFormation "
        "that `sam local invoke -t` and `sam local start-api -t` run: local paths come out as "
        "the `Code`/`Content`/`...S3Location` paths SAM CLI reads, re-pointed with -o.",
        """examples:
  safelambda transform template.yaml -o .safelambda.yaml && sam local invoke -t .safelambda.yaml
  safelambda transform template.yaml --parameter-overrides Stage=prod --format json
  cat template.yaml | safelambda transform - --before-macro   # what the macro receives

exit codes: 0 written; 1 the template has errors (one coded line each on stderr, nothing
written); 2 the command line is wrong.
""",
    ),
    "plan": (
        "show what SafeLambda changes: a summary or an RFC 6902 JSON Patch",
        "Show what the SafeLambda macro does to the template: functions versioned, alias names, "
        "each rewritten reference (Resource.Path: before → after), layers changed and the "
        "report's warnings. With --format json-patch, print the RFC 6902 patch that turns the "
        "fragment SafeLambda receives (see `transform --before-macro`) into its output.",
        """examples:
  safelambda plan template.yaml
  safelambda plan template.yaml --format json-patch > plan.json
  safelambda transform template.yaml --before-macro --format json > in.json
  jsonpatch in.json plan.json          # equals `safelambda transform template.yaml`

exit codes: 0 planned; 1 the template has errors; 2 the command line is wrong.
""",
    ),
    "check": (
        "fail when an integration can reach a torn $LATEST (a CI gate)",
        "Check the template as it will be deployed (after every transform it lists): "
        "(a) each integration that invokes a function unqualified, so it reaches $LATEST "
        "(SL411); (c) with --previous, each function whose change updates code or architecture "
        "and configuration at once while the previous template's integrations invoke it "
        "unqualified: the torn update (SL412). Warnings of the transforms are shown too.",
        """examples:
  safelambda check template.yaml
  safelambda check --previous deployed.yaml template.yaml --format json

exit codes: 0 no findings; 1 findings (each one line, coded); 2 the command line is wrong;
3 a template could not be read or processed.
""",
    ),
}


class Parser(argparse.ArgumentParser):
    """Usage errors as one coded line, like every other error of the command line."""

    def error(self, message: str) -> NoReturn:
        hint = f"see `{self.prog} --help`"
        print(error("SL403", f"{message}; {hint}").render(), file=sys.stderr)
        raise SystemExit(2)


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--parameter-overrides",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="parameter values, as sam deploy takes them (Key=Value or "
        "ParameterKey=K,ParameterValue=V); defaults fill the rest",
    )
    sub.add_argument("--region", default="us-east-1", help="deploy region (default us-east-1)")
    sub.add_argument("--account-id", default="123456789012", help="deploy account ID")
    sub.add_argument(
        "--macro-name",
        default="SafeLambda",
        help="the name SafeLambda is installed under (default SafeLambda)",
    )
    loudness = sub.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing but errors on stderr"
    )
    loudness.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also say which transforms ran and show what other libraries logged",
    )


def _add(commands: argparse._SubParsersAction[Parser], name: str) -> Parser:
    summary, description, epilog = COMMANDS[name]
    sub: Parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("template", help="template file (YAML or JSON); - reads stdin")
    _common(sub)
    return sub


def build_parser() -> Parser:
    parser = Parser(
        prog="safelambda",
        description="Publish a Version and an Alias for every Lambda function of a CloudFormation "
        "template and point every integration at the alias, so no caller sees the torn "
        "state of an update.",
        epilog=TOP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"safelambda {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    transform = _add(commands, "transform")
    transform.add_argument("-o", "--output", help="write here instead of stdout (only on success)")
    transform.add_argument("--format", choices=("yaml", "json"), default="yaml")
    transform.add_argument(
        "--before-macro",
        action="store_true",
        help="stop before SafeLambda: print the fragment the macro receives",
    )
    plan = _add(commands, "plan")
    plan.add_argument("--format", choices=("text", "json-patch"), default="text")
    check = _add(commands, "check")
    check.add_argument(
        "--previous",
        metavar="OLD_TEMPLATE",
        help="the template deployed now; finds torn updates between it and TEMPLATE",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    return parser
