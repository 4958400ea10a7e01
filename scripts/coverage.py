"""Render docs/coverage.md from the integration catalog.

python scripts/coverage.py          # rewrite docs/coverage.md
python scripts/coverage.py --check  # exit 1 when docs/coverage.md is stale
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "coverage.md"
sys.path.insert(0, str(ROOT / "macro"))

from safelambda.references import catalog  # noqa: E402

ACTIONS = {
    "ALIAS_ARN": "the reference becomes the alias ARN (`Ref` of the alias)",
    "ALIAS_ARN_STR": "inside a string (`Fn::Sub`, `Fn::Join`): `${Fn.Arn}` becomes "
    "`${FnAliaslive}`, `${Fn}` becomes `${Fn}:live`",
    "OPAQUE": "a document CloudFormation evaluates (OpenAPI body, state machine definition): every "
    "function reference inside points at the alias; `Fn::Transform` inside is reported (SL303)",
    "SUBSTITUTION": "values substituted into a definition: a name becomes `name:alias`, an ARN "
    "the alias ARN",
    "QUALIFIER": "the function stays, the qualifier path gets the alias name, and the resource "
    "`DependsOn` the alias (a literal name gives CloudFormation no ordering)",
    "VERSION_ARN": "`Ref` of the Version: the service rejects aliases and `$LATEST`",
    "EXTEND_IAM": "statements allowing `lambda:InvokeFunction` (or `lambda:*`, `lambda:Invoke*`, "
    "`*`) on the function keep it and also name the alias",
    "PERMISSION": "follows its integration (see below)",
    "LEAVE": "never touched: not an invocation, or it must stay unqualified",
    "REPORT": "may invoke the function, but no AWS documentation proves the field accepts an "
    "alias: left as is and reported (SL302; an error under `Strict`)",
    "HIDDEN": "content stored outside the template: reported (SL303; an error under `Strict`)",
}

INTRO = """# Integration coverage

Generated from `macro/safelambda/data/integrations.tsv` by `scripts/coverage.py`; do not edit
by hand (`tests/references/test_catalog.py` fails when this file is stale).

Every place a CloudFormation template can name a Lambda function, and what SafeLambda does there.
References are recognised in every form: `Ref`, `Fn::GetAtt` (list or dotted), `${Fn}` and
`${Fn.Arn}` in both `Fn::Sub` forms, `Fn::Join` parts, under `Fn::If` and `Fn::Select`. A
reference already qualified (`${Fn.Arn}:prod`, `${Fn}:*`) is left alone. A reference to a
function anywhere else is reported (SL301; an error under `Strict`).

## Actions

| action | places | what SafeLambda does |
|---|---|---|
"""

PERMISSIONS = """
## Permissions follow their integration

A resource policy statement applies only to the ARN it names: a permission on the function does
not let a service invoke the alias. For each `AWS::Lambda::Permission` (and
`AWS::Lambda::ResourcePolicy`) on a function:

- an integration of the permission's service (its principal, e.g. `sns.amazonaws.com` for SNS
  resources; `lambda:InvokeFunctionUrl` for Function URLs) now invokes the alias: the permission
  moves to the alias;
- nothing in the template invokes the alias through that service: it stays (SL306), because its
  caller is elsewhere and still names the function;
- both, because something of that service still invokes the function unqualified (a place reported
  as SL301/SL302/SL305, content SafeLambda cannot see, SL303), or the principal is an account or
  `*`: the permission moves and an unchanged copy `{Permission}Unqualified` is kept (SL306).

## Decisions

`DOC` sources quote AWS documentation, `SCHEMA` the CloudFormation resource schema (its pattern
accepts `function:NAME:ALIAS`), `SAM` the code of aws-sam-translator, `INFER` a reasoned decision.
Places with no documentary proof are `REPORT`ed rather than rewritten.

## Places

| resource type | property | action | qualifier | source |
|---|---|---|---|---|
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    entries = catalog.entries()
    counts = Counter(entry.action for entry in entries)
    lines = [INTRO.rstrip("\n")]
    for action, meaning in ACTIONS.items():
        lines.append(f"| `{action}` | {counts[action]} | {meaning} |")
    lines.append(PERMISSIONS.rstrip("\n"))
    for entry in entries:
        path = "/".join(entry.path)
        qualifier = "/".join(entry.qualifier)
        lines.append(
            f"| `{entry.type}` | `{path}` | `{entry.action}` | "
            f"{f'`{qualifier}`' if qualifier else ''} | {_cell(entry.source)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run python scripts/coverage.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
