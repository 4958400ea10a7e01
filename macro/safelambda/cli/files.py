"""Reading and writing templates and the command line's parameter values: with the rest of
`cli/`, the only code that touches files and YAML."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import Problem, TransformError, error


def load_template(path: str) -> Any:
    """A template from a file or `-` (stdin), YAML or JSON with CloudFormation short tags."""
    from ..offline import parse

    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
    except (OSError, UnicodeDecodeError) as failure:
        reason = getattr(failure, "strerror", None) or "not UTF-8 text"
        raise TransformError([error("SL013", f"cannot read {path}: {reason}")]) from None
    return parse(text, path)


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


class Given(NamedTuple):
    """How the caller gives parameter values: named in the errors about them."""

    where: str = "--parameter-overrides"
    example: str = "--parameter-overrides {name}=VALUE"  # {name}: the parameter


COMMAND_LINE = Given()


def parameter_values(
    template: Mapping[str, Any], overrides: Mapping[str, str], given: Given = COMMAND_LINE
) -> dict[str, Any]:
    """What CloudFormation passes a macro as `templateParameterValues`: defaults plus overrides."""
    declared = template.get("Parameters")
    declared = declared if isinstance(declared, dict) else {}
    problems: list[Problem] = [
        error(
            "SL013",
            f"gives {key}, which is not a parameter of this template; remove it or declare it",
            None,
            given.where,
        )
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
            example = given.example.replace("{name}", name)
            problems.append(
                error(
                    "SL013",
                    f"has no Default; give it a value with {example}",
                    None,
                    f"Parameters.{name}",
                )
            )
            continue
        values[name] = as_passed(spec, value)
    if problems:
        raise TransformError(problems)
    return values


def as_passed(spec: Mapping[str, Any], value: Any) -> Any:
    """A parameter's value as CloudFormation passes it: a list for `CommaDelimitedList` and
    `List<…>` types, a number as its string."""
    kind = str(spec.get("Type", "String"))
    if kind == "CommaDelimitedList" or kind.startswith("List<"):
        return value.split(",") if isinstance(value, str) else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def write(path: str | None, text: str) -> None:
    """stdout, or the whole file at once: a failed run never leaves half a template behind."""
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    directory = os.path.dirname(os.path.abspath(path))
    written = None
    try:
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, encoding="utf-8") as out:
            written = out.name
            out.write(text)
        os.replace(written, path)
    except OSError as failure:
        if written is not None and os.path.exists(written):
            os.unlink(written)
        raise TransformError([error("SL404", f"cannot write {path}: {failure.strerror}")]) from None
