"""Local `AWS::Include` snippets, inserted where the template asks for them, as CloudFormation does.

`sam package` (and `aws cloudformation package`) uploads each local
`Fn::Transform: {Name: AWS::Include, Parameters: {Location: ./file}}` and points `Location` at S3
(aws-sam-cli `include_transform_export_handler`); CloudFormation then replaces the `Fn::Transform`
with the file's content before SAM and SafeLambda run, so the deployed macro sees what the file
holds (an OpenAPI body's integrations, say). `expand` does the same from the template's folder.

The rules are CloudFormation's (User Guide, "AWS::Include transform"): anywhere but `Parameters`
and the version; the snippet is YAML or JSON and a mapping, merged with the keys beside the
`Fn::Transform`; a snippet cannot include another. Remote locations (`s3://`) and locations given
by an intrinsic function stay as written, for the deploy to fetch. A missing or
unreadable file is `SL020`; a snippet that breaks a rule is `SL021`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

from ..errors import Problem, TransformError, error
from ..template import Path, render_path
from .loader import parse

NAME = "AWS::Include"
KEY = "Fn::Transform"
# CloudFormation expands AWS::Include anywhere but here; `Transform` is the transform list itself.
NOT_HERE = ("AWSTemplateFormatVersion", "Parameters")
SKIPPED = ("Transform",)


def location_of(spec: Any) -> Any:
    """The `Location` an `AWS::Include` spec names, or None when `spec` is not an include."""
    if not (isinstance(spec, dict) and spec.get("Name") == NAME):
        return None
    parameters = spec.get("Parameters")
    return parameters.get("Location") if isinstance(parameters, dict) else None


def is_local(location: Any) -> bool:
    return isinstance(location, str) and bool(location) and "://" not in location


def _where(path: Path) -> tuple[str | None, str | None]:
    if len(path) > 1 and path[0] == "Resources":
        return str(path[1]), render_path(path[2:]) or None
    return None, render_path(path) or None


class _Includer:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.snippets: dict[str, Any] = {}

    def fail(self, code: str, path: Path, message: str) -> None:
        self.problems.append(error(code, message, *_where(path)))

    def value(self, node: Any, path: Path) -> Any:
        if isinstance(node, list):
            return [self.value(item, path + (i,)) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if KEY in node and location_of(node[KEY]) is not None:
            return self._included(node, path)
        return {k: self.value(v, path + (k,)) for k, v in node.items()}

    def _included(self, node: dict[str, Any], path: Path) -> Any:
        location = location_of(node[KEY])
        if not is_local(location):
            return {k: self.value(v, path + (k,)) for k, v in node.items()}
        snippet = self._snippet(location, path + (KEY,))
        if snippet is None:
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key != KEY:
                out[key] = self.value(value, path + (key,))
                continue
            for name, part in snippet.items():
                if name in node:
                    self.fail("SL021", path + (name,), f"{location} sets {name!r}, set here too")
                out[name] = part
        return out

    def _snippet(self, location: str, path: Path) -> dict[str, Any] | None:
        """The file's content, read once per run and copied for each place that includes it."""
        full = os.path.normpath(os.path.join(self.folder, location))
        snippet = self.snippets.get(full) or self._load(location, full, path)
        if snippet is None:
            return None
        self.snippets[full] = snippet
        if _includes(snippet):
            self.fail("SL021", path, f"{location} uses AWS::Include itself; CloudFormation refuses")
            return None
        return copy.deepcopy(snippet)

    def _load(self, location: str, full: str, path: Path) -> dict[str, Any] | None:
        try:
            with open(full, encoding="utf-8") as file:
                text = file.read()
        except FileNotFoundError:
            self.fail(
                "SL020",
                path,
                f"AWS::Include file {location} is missing: there is no {full}; create it or "
                "correct the Location",
            )
            return None
        except (OSError, UnicodeDecodeError) as failure:
            reason = getattr(failure, "strerror", None) or "not UTF-8 text"
            self.fail("SL020", path, f"cannot read AWS::Include file {location}: {reason}")
            return None
        try:
            snippet = parse(text, location)
        except TransformError as failure:
            for problem in failure.problems:
                code = "SL020" if problem.code == "SL013" else problem.code
                message = f"AWS::Include file {location}: {problem.message}"
                self.problems.append(error(code, message, *_where(path)))
            return None
        if not isinstance(snippet, dict):
            self.fail(
                "SL021",
                path,
                f"AWS::Include file {location} does not hold a mapping, and CloudFormation "
                "inserts only a mapping; write the file's content as keys and values",
            )
            return None
        return snippet


def _includes(value: Any) -> bool:
    if isinstance(value, list):
        return any(_includes(item) for item in value)
    if not isinstance(value, dict):
        return False
    return location_of(value.get(KEY)) is not None or any(_includes(v) for v in value.values())


def expand(template: Mapping[str, Any], folder: str) -> dict[str, Any]:
    """`template` with each local `AWS::Include` replaced by its file, read from `folder`.

    Never mutates `template`; raises `TransformError` with every problem found.
    """
    includer = _Includer(folder)
    out: dict[str, Any] = {}
    for section, value in template.items():
        if section in SKIPPED:
            out[section] = value
        elif section in NOT_HERE:
            if _includes(value):
                includer.fail("SL021", (section,), "CloudFormation expands no AWS::Include here")
            out[section] = value
        else:
            out[section] = includer.value(value, (section,))
    if includer.problems:
        raise TransformError(includer.problems)
    return out
