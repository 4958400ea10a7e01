"""The pre-commit hooks behind `.pre-commit-hooks.yaml`, and the rules folder for `.cfnlintrc`.

pre-commit passes every staged file that matches the hook's `files` pattern at once; both
hooks keep the CloudFormation templates among them (a mapping with `Resources` whose types
look like `AWS::…`, or with `AWSTemplateFormatVersion`) and leave other YAML and JSON alone.
A file that cannot be parsed is passed on, so a broken template is reported, not skipped.

- `check FILE…` runs `safelambda check` on each template (it takes one at a time) and prefixes
  each finding with the file name; the exit code is the worst of them.
- `lint FILE…` runs cfn-lint (its command line, in this process) once on all of them, with
  this folder's rules appended.
Options before the files are passed on: `--region`, `--account-id`, `--macro-name` and `-q`
to `check`; to cfn-lint any option written as one word (`--regions=us-east-1,eu-west-1`), since
pre-commit appends the files right after them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable, Sequence

from . import FOLDER

USAGE = "usage: python -m safelambda.cfnlint [check|lint [OPTIONS] FILE...]"


def main(argv: Sequence[str]) -> int:
    if not argv:
        print(FOLDER)
        return 0
    command, rest = argv[0], list(argv[1:])
    if command not in HOOKS:
        print(USAGE, file=sys.stderr)
        return 2
    return HOOKS[command](rest)


def is_template(path: str) -> bool:
    """A CloudFormation template, or a file nobody can tell (it does not parse)."""
    from ..cli import load_template
    from ..errors import TransformError

    try:
        loaded = load_template(path)
    except TransformError:
        return True
    if not isinstance(loaded, dict):
        return False
    resources = loaded.get("Resources")
    typed = isinstance(resources, dict) and any(
        isinstance(r, dict) and "::" in str(r.get("Type", "")) for r in resources.values()
    )
    return typed or "AWSTemplateFormatVersion" in loaded


def check(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="safelambda-check", add_help=False)
    for option in ("--region", "--account-id", "--macro-name"):
        parser.add_argument(option)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    options = [
        item
        for option, value in (
            ("--region", args.region),
            ("--account-id", args.account_id),
            ("--macro-name", args.macro_name),
        )
        if value
        for item in (option, value)
    ] + (["-q"] if args.quiet else [])
    worst = 0
    for path in filter(is_template, args.files):
        code, out = _captured(options, path)
        for line in out.splitlines():
            print(f"{path}: {line}")
        worst = max(worst, code)
    return worst


def _captured(options: list[str], path: str) -> tuple[int, str]:
    """`safelambda check`'s exit code, and what it printed on stdout and stderr, in order."""
    from ..cli import main as safelambda

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = safelambda(["check", *options, path])
    return code, out.getvalue()


def lint(argv: list[str]) -> int:
    # One word per option: a separate value could not be told from a file name.
    options = [a for a in argv if a.startswith("-")]
    templates = [a for a in argv if not a.startswith("-") and is_template(a)]
    if not templates:
        return 0
    return _cfn_lint(["--append-rules", FOLDER, *options, "--", *templates])


def _cfn_lint(arguments: list[str]) -> int:
    """The `cfn-lint` command (its exit code: 2 errors, 4 warnings, 8 informational, added)."""
    from cfnlint.runner import main as cfn_lint

    saved, sys.argv = sys.argv, ["cfn-lint", *arguments]
    try:
        cfn_lint()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    finally:
        sys.argv = saved
    return 0


HOOKS: dict[str, Callable[[list[str]], int]] = {"check": check, "lint": lint}
