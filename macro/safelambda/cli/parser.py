"""The `safelambda` command line: every command, option, example and exit code, in one place."""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from typing import NoReturn

from .. import __version__
from ..errors import error
from ..layers import ARCHITECTURES

REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d")

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
        "fail when an integration can reach a torn $LATEST or the deploy breaks (a CI gate)",
        "Check the template as it will be deployed (after every transform it lists, with or "
        "without SafeLambda, so SAM, CDK and Serverless Framework templates too; and the local "
        "nested stacks and state machine definitions it points to) for four kinds of finding:\n"
        "  (a) unqualified invocations: an integration that invokes a function unqualified, so "
        "it reaches $LATEST, torn while an update runs (SL411); one in a place SafeLambda "
        "leaves as written because an alias is unproven there, such as an environment "
        "variable or a Config rule (SL302); in a local nested stack (Stack/Resource, with its "
        "file) or a local state machine definition (the file and the path in it);\n"
        "  (b) layer and architecture: a layer built for the other architecture than its "
        "function's, known to the layer catalog (SL206) or named so (SL207), or a family with "
        "no build for it (SL203); a swap that cannot keep the layer's release warns (SL210);\n"
        "  (c) torn updates, with --previous: a function whose change updates code or "
        "architecture and configuration at once while the previous template's integrations "
        "invoke it unqualified (SL412);\n"
        "  (d) the deploy model, with --previous: what CloudFormation does going from "
        "OLD_TEMPLATE to TEMPLATE (each resource created, updated, replaced or deleted in "
        "cleanup, in dependency order) and the service rules that break it: two Versions of "
        "one function or a Version of an unchanged one (SL501, SL502), an API stage left on "
        "its Deployment's old snapshot and what that snapshot still needs (SL503, SL504, "
        "SL506, SL507), a caller invoking before its grant exists (SL505, SL509, SL511), a "
        "replaced integration delivering twice (SL508), a type change (SL510), an "
        "asynchronous caller before its target's event invoke config (SL512), a Lambda "
        "target group changing its target in place (SL513); windows of seconds are "
        "warnings, outages and failed deploys are errors.\n"
        "Warnings of the transforms are shown and do not fail. A reviewed finding can be "
        "acknowledged in Metadata.SafeLambda.Acknowledge (on the template or the resource) or "
        "with --acknowledge: it is listed as acknowledged and does not fail; an "
        "acknowledgement that matches nothing fails (SL415).",
        """examples:
  safelambda check template.yaml
  safelambda check --previous deployed.yaml template.yaml --format json
  aws cloudformation get-template --stack-name orders --template-stage Processed \\
      --query TemplateBody --output json > deployed.json
  safelambda check --previous deployed.json template.yaml   # before `sam deploy`
  safelambda check template.yaml --acknowledge SL302:ComplianceRule \\
      --acknowledge SL411:Orders/QueueMapping.Properties.FunctionName

acknowledgements, in the template (a list; each a code, CODE:Resource[.Path], or a mapping):
  Metadata:
    SafeLambda:
      Acknowledge:
        - {Code: SL302, Resource: ComplianceRule, Reason: Config rules take no alias}
  and on a resource, its own: Metadata: {SafeLambda: {Acknowledge: [SL302]}}

exit codes: 0 no failing findings (warnings are printed, they do not fail); 1 failing findings
(each one line, coded); 2 the command line is wrong; 3 a template could not be read or processed.
""",
    ),
    "layers": (
        "list the bundled layer families, or print one family's layer ARN",
        "Without FAMILY, list the bundled layer families: each build's layer and version per "
        "architecture, the partitions and regions, how a swap to the other architecture keeps "
        "the release, and where the figures came from (source and the date it was read). With "
        "FAMILY, print its layer ARN for --region and --architecture.",
        """examples:
  safelambda layers
  safelambda layers --format json
  safelambda layers lambda-web-adapter --region eu-west-1 --architecture arm64

exit codes: 0 printed; 1 the family is unknown (SL202) or has no build for that region and
architecture (SL203); 2 the command line is wrong.
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


def _add(commands: argparse._SubParsersAction[Parser], name: str, template: bool = True) -> Parser:
    summary, description, epilog = COMMANDS[name]
    sub: Parser = commands.add_parser(
        name,
        help=summary,
        description=_wrapped(description),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if template:
        sub.add_argument("template", help="template file (YAML or JSON); - reads stdin")
        _common(sub)
    return sub


def _wrapped(text: str) -> str:
    """Each line of a description filled to the terminal's usual width; `  (a)` items hang."""
    lines = [
        textwrap.fill(line, 92, subsequent_indent="      " if line.startswith("  (") else "")
        for line in text.split("\n")
    ]
    return "\n".join(lines)


def _region(value: str) -> str:
    if not REGION.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a region name such as us-east-1")
    return value


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
        help="the template the stack holds now: finds torn updates between it and TEMPLATE "
        "and models the deploy from it to TEMPLATE (SL5xx)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--acknowledge",
        action="append",
        default=[],
        metavar="CODE[:RESOURCE[.PATH]]",
        help="a reviewed finding: listed as acknowledged, it does not fail (repeatable; "
        "Stack/Resource for a nested stack's)",
    )
    layers = _add(commands, "layers", template=False)
    layers.add_argument("family", nargs="?", help="a family name; omit it to list them all")
    layers.add_argument("--region", type=_region, default="us-east-1", help="default us-east-1")
    layers.add_argument(
        "--architecture", choices=ARCHITECTURES, default="x86_64", help="default x86_64"
    )
    layers.add_argument("--format", choices=("text", "json"), default="text")
    layers.set_defaults(quiet=False, verbose=False)
    return parser
