"""Template text -> data with cfn-flip's safe loaders, refusing a key written twice in one mapping.

cfn-flip (like PyYAML and `json.loads`) silently keeps the last of two equal keys, so the value
the author meant may be the one dropped; CloudFormation rejects such a template outright. Only
the command line and `include` use this module: the macro receives JSON that CloudFormation has
already parsed.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import yaml
from cfn_tools.odict import ODict
from cfn_tools.yaml_loader import CfnYamlLoader

from ..errors import Problem, TransformError, error
from ..template import TEMPLATE_LIMIT, Path, render_path

CODE = "SL015"
VALUE_LIMIT = TEMPLATE_LIMIT // 2


def _problem(path: Path, lines: str) -> Problem:
    resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else None
    rest = path[2:] if resource else path
    return error(
        CODE,
        f"the key is written twice in one mapping ({lines}); CloudFormation rejects the template",
        resource,
        render_path(rest) or None,
    )


def _duplicates(root: yaml.Node | None) -> Iterator[Problem]:
    """Every repeated key, by path; YAML aliases are followed once, so a cycle cannot loop."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Path]] = [(root, ())] if root is not None else []
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                line = key.start_mark.line + 1
                if name in first:
                    yield _problem(path + (name,), f"lines {first[name]} and {line}")
                first.setdefault(name, line)
                stack.append((value, path + (name,)))


class _Cycle(Exception):
    """A YAML alias inside the node it names."""


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is unrolled (memoised, so cheap)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in active:
            raise _Cycle
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        active.add(id(node))
        sizes[id(node)] = 1 + sum(size(child) for child in children)
        active.discard(id(node))
        return sizes[id(node)]

    return size(root)


def _alias_problems(root: yaml.Node) -> list[Problem]:
    # CloudFormation refuses aliases; `sam deploy` and `aws cloudformation package` unroll them,
    # so SafeLambda does too, but never into more than a 1 MB template could hold (each value
    # takes at least two characters) and never around a cycle.
    try:
        size = _expanded_size(root)
    except _Cycle:
        return [error("SL013", "a YAML alias refers to a node that contains it")]
    if size > VALUE_LIMIT:
        return [
            error(
                "SL007",
                f"YAML aliases unroll to more than {VALUE_LIMIT} values, more than "
                "CloudFormation's 1 MB template limit can hold",
            )
        ]
    return []


def load_yaml(text: str) -> Any:
    loader = CfnYamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problems = _alias_problems(node) or sorted(
            _duplicates(node), key=lambda p: (p.resource or "", p.path or "")
        )
        if problems:
            raise TransformError(problems)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_json(text: str) -> Any:
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> ODict:
        seen: set[str] = set()
        for name, _ in items:
            if name in seen:
                repeated.append(name)
            seen.add(name)
        return ODict(items)

    data = json.loads(text, object_pairs_hook=pairs)
    if repeated:
        raise TransformError(
            error(CODE, f"key {name!r} is written twice in one JSON object", None, None)
            for name in dict.fromkeys(repeated)
        )
    return data


def plain(value: Any) -> Any:
    """Plain dicts and strings: YAML reads `2010-09-09` as a date, CloudFormation as a string."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def parse(text: str, name: str) -> Any:
    """A template (or snippet) from its text: JSON when it opens with `{`, else YAML with
    CloudFormation's short tags. A text that is neither is `SL013`, naming `name`."""
    try:
        # cfn_flip.load would hide a YAML error behind the JSON decoder's; report the real one.
        data = load_json(text) if text.lstrip().startswith("{") else load_yaml(text)
    except TransformError:
        raise
    except Exception as failure:  # the loaders raise many types; all mean "not a template"
        where = "standard input" if name == "-" else name
        raise TransformError([_unparsable(where, failure)]) from None
    return plain(data)


def _unparsable(path: str, failure: Exception) -> Problem:
    """Where the parser stopped (line and column, counted from 1) and why, in its own words."""
    mark = getattr(failure, "problem_mark", None)  # PyYAML's MarkedYAMLError and subclasses
    if isinstance(failure, json.JSONDecodeError):
        place, reason = (failure.lineno, failure.colno), failure.msg
    elif mark is not None:
        place = (mark.line + 1, mark.column + 1)
        parts = (getattr(failure, "context", None), getattr(failure, "problem", None))
        reason = ", ".join(str(p) for p in parts if p) or type(failure).__name__
    else:
        place = None
        reason = str(failure).splitlines()[0] if str(failure) else type(failure).__name__
    at = f" at line {place[0]}, column {place[1]}" if place else ""
    return error("SL013", f"cannot parse {path}{at}: {reason}")
