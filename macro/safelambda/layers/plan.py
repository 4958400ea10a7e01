"""Decide one function's layers for its architecture: the rules behind the layers step.

The architecture is resolved, never guessed (Datadog's macro silently falls back to x86 when
`Architectures` is an `Fn::If`). An `Fn::If` SafeLambda cannot decide becomes an `ArchTree`
node, and the function's `Layers` becomes a matching `Fn::If` with each branch's layers.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..errors import Problem, Severity, error, warning
from ..template import NO_VALUE, NO_VALUE_REF, Resolver, function_of
from .families import ARCHITECTURES, PREFIX, Catalog, Family

# An architecture, or (condition, tree if true, tree if false) when only the deploy decides.
ArchTree = str | tuple[str, "ArchTree", "ArchTree"]

LAYER_LIMIT = 5  # Lambda's limit of layers per function
LAYER_ARN = re.compile(r"arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):layer:([\w-]+):(\d+)")
# What a layer's name says about its architecture, for layers no mapping knows: a separated
# token (`-arm64`, `_x86_64.`, `-ARM`, `-graviton`), or a CamelCase word (`LambdaAdapterLayerX86`,
# `LambdaInsightsExtension-Arm64`, `NewRelicLambdaExtensionARM64`, `Arm64Tools`). The spellings
# are those of the shared corpus's `:layer:` ARNs and of vendors' published layer names.
_SEP, _END = r"(?:^|[-_.])", r"(?:$|[-_.])"
_WORD_START, _WORD_END = r"(?:^|(?<=[a-z0-9]))", r"(?=$|[A-Z_.-])"
NAME_SAYS: dict[str, tuple[re.Pattern[str], ...]] = {
    "arm64": (
        re.compile(_SEP + r"(?:arm|arm64|aarch64|graviton\d?)" + _END, re.IGNORECASE),
        re.compile(_WORD_START + r"(?:ARM64|Arm64|AARCH64|Aarch64|Graviton\d?)" + _WORD_END),
        re.compile(r"(?<=[a-z0-9])(?:Arm|ARM)$"),
    ),
    "x86_64": (
        re.compile(_SEP + r"(?:x86|x86_64|x86-64|amd64|x64)" + _END, re.IGNORECASE),
        re.compile(_WORD_START + r"(?:X86_64|X86|AMD64|Amd64|X64)" + _WORD_END),
    ),
}


def architecture(resolver: Resolver, properties: dict[str, Any]) -> ArchTree | None:
    """The function's architecture tree; None when it cannot be known at deploy time."""
    if "Architectures" not in properties:
        return "x86_64"  # Lambda's default
    return _tree(resolver.resolve(properties["Architectures"]), whole=True)


def _tree(value: Any, whole: bool) -> ArchTree | None:
    if (value is NO_VALUE or value == NO_VALUE_REF) and whole:
        return "x86_64"  # `!Ref AWS::NoValue` removes the property (kept as written in an Fn::If)
    if isinstance(value, list):
        if len(value) != 1:
            return None
        value, whole = value[0], False
    if isinstance(value, str):
        return value if value in ARCHITECTURES else None
    arguments = value.get("Fn::If") if function_of(value) == "Fn::If" else None
    if not (isinstance(arguments, list) and len(arguments) == 3):
        return None
    condition, when_true, when_false = arguments
    true, false = _tree(when_true, whole), _tree(when_false, whole)
    if true is None or false is None or not isinstance(condition, str):
        return None
    return true if true == false else (condition, true, false)


def name_says(layer_name: str) -> str | None:
    """The architecture a layer's name announces (`-ARM`, `-Arm64`, `amd64`, …), if exactly one."""
    said = [a for a, patterns in NAME_SAYS.items() if any(p.search(layer_name) for p in patterns)]
    return said[0] if len(said) == 1 else None


class Item(NamedTuple):
    value: Any  # what to write
    path: str
    key: str | None = None  # the layer's identity for deduplication; None when unknown
    changed: bool = False


class Planner:
    """Plans one function's `Layers`; collects problems instead of raising."""

    def __init__(
        self,
        catalog: Catalog,
        resolver: Resolver,
        logical_id: str,
        strict: bool = False,
        rewrite: bool = True,  # False for `check`: report a wrong architecture as an error
    ) -> None:
        self.catalog = catalog
        self.resolver = resolver
        self.logical_id = logical_id
        self.strict = strict
        self.rewrite = rewrite
        self.problems: list[Problem] = []
        self.changed = False

    @property
    def region(self) -> str:
        return self.resolver.context.region

    @property
    def partition(self) -> str:
        return self.resolver.context.pseudo["AWS::Partition"]

    def plan(self, written: Any, requested: list[str], tree: ArchTree) -> Any:
        """The `Layers` value for every branch of `tree`; `self.changed` says if it differs."""
        if isinstance(tree, tuple):
            condition, when_true, when_false = tree
            true = self.plan(written, requested, when_true)
            false = self.plan(written, requested, when_false)
            return true if true == false else {"Fn::If": [condition, true, false]}
        return self._whole(written, requested, tree)

    def _whole(self, written: Any, requested: list[str], arch: str) -> Any:
        arguments = written.get("Fn::If") if function_of(written) == "Fn::If" else None
        if isinstance(arguments, list) and len(arguments) == 3:
            decided = self.resolver.condition(arguments[0])
            if decided is None:
                true = self._whole(arguments[1], requested, arch)
                false = self._whole(arguments[2], requested, arch)
                return {"Fn::If": [arguments[0], true, false]}
        if isinstance(written, list):
            items = written
        else:
            resolved = self.resolver.resolve(written) if written is not None else []
            items = [] if resolved is NO_VALUE else resolved
        if not isinstance(items, list):
            if requested:
                self._error("SL209", "cannot add families to a Layers value that is not a list")
            return written  # opaque: nothing knowable to check
        return self._items(written, items, requested, arch)

    def _items(self, written: Any, items: list[Any], requested: list[str], arch: str) -> Any:
        planned = [self._item(v, arch, f"Properties.Layers[{i}]") for i, v in enumerate(items)]
        planned += [
            self._string(
                PREFIX + n.removeprefix(PREFIX), n, arch, f"Metadata.SafeLambda.Layers[{i}]"
            )
            for i, n in enumerate(requested)
        ]
        kept: dict[str, Item] = {}
        out: list[Item] = []
        for item in planned:
            if item.key is not None and item.key in kept:
                message = f"duplicate of layer {item.key} removed; the first is kept"
                self._problem(warning("SL208", message), item.path)
                self.changed = True
                continue
            if item.key is not None:
                kept[item.key] = item
            out.append(item)
        if len(out) > LAYER_LIMIT:
            self._error("SL205", f"{len(out)} layers for {arch}; Lambda allows {LAYER_LIMIT}")
        if not any(i.changed for i in out) and len(out) == len(items) and not requested:
            return written
        self.changed = True
        return [i.value for i in out]

    def _item(self, written: Any, arch: str, path: str) -> Item:
        resolved = self.resolver.resolve(written)
        if isinstance(resolved, str):
            return self._string(resolved, written, arch, path)
        arguments = resolved.get("Fn::If") if function_of(resolved) == "Fn::If" else None
        if isinstance(arguments, list) and len(arguments) == 3:
            own = written.get("Fn::If") if function_of(written) == "Fn::If" else None
            same = isinstance(own, list) and len(own) == 3 and own[0] == arguments[0]
            branches = own if same and isinstance(own, list) else arguments
            true, false = (self._item(_unresolved(b), arch, path) for b in branches[1:])
            value = {"Fn::If": [arguments[0], true.value, false.value]}
            return Item(value, path, None, true.changed or false.changed)
        return Item(written, path)  # built from what only the deploy knows: keep as written

    def _string(self, text: str, written: Any, arch: str, path: str) -> Item:
        if text.startswith(PREFIX):
            return self._family(text.removeprefix(PREFIX), written, arch, path)
        match = LAYER_ARN.fullmatch(text)
        if match is None:
            return Item(written, path, text)
        key = text.rsplit(":", 1)[0]
        name, account = match.group(4), match.group(3)
        owners = self.catalog.owners(name, account)
        if owners and arch not in {a for _, a in owners}:
            return self._swap(owners[0], written, match, arch, path)
        said = name_says(name)
        if not owners and said is not None and said != arch:
            # `check` fails on it: an extension of the other architecture does not start.
            severity = Severity.ERROR if self.strict or not self.rewrite else Severity.WARNING
            message = f"layer {name} looks built for {said} but the function is {arch}"
            self._problem(Problem("SL207", message, self.logical_id, path, severity))
        return Item(written, path, key)

    def _swap(
        self, owner: tuple[Family, str], written: Any, match: re.Match[str], arch: str, path: str
    ) -> Item:
        family, built_for = owner
        key = match.group(0).rsplit(":", 1)[0]
        arn = self._arn(family.name, arch, path)
        if arn is None:
            return Item(written, path, key)
        arn, unknown = self._same_release(family, built_for, match, arch, arn)
        name = key.rsplit(":", 1)[1]
        message = f"layer {name} is built for the other architecture; {arch} uses {arn}"
        severity = Severity.WARNING if self.rewrite else Severity.ERROR
        self._problem(Problem("SL206", message, self.logical_id, path, severity))
        if unknown is not None:
            self._problem(unknown, path)
        if not self.rewrite:
            return Item(written, path, key)
        return Item(arn, path, arn.rsplit(":", 1)[0], changed=True)

    def _same_release(
        self, family: Family, built_for: str, match: re.Match[str], arch: str, arn: str
    ) -> tuple[str, Problem | None]:
        """`arn` at the version of the written layer's release (a pinned release stays pinned);
        where that release is unknown, the catalog's version and a warning naming both."""
        version, region = int(match.group(5)), match.group(2)
        found = family.sibling(built_for, version, region, arch, self.region)
        if found.version is not None:
            return f"{arn.rsplit(':', 1)[0]}:{found.version}", None
        release = f" (release {found.release})" if found.release else ""
        chosen = ":".join(arn.rsplit(":", 2)[1:])  # the catalog's layer name and version
        message = (
            f"no {arch} build of the release of {match.group(4)}:{version}{release} is known, so "
            f"SafeLambda swaps it for the catalog's {chosen}; "
            f"check that is the release you want, or write the {arch} layer yourself"
        )
        return arn, warning("SL210", message)

    def _family(self, name: str, written: Any, arch: str, path: str) -> Item:
        if name not in self.catalog.families:
            known = ", ".join(sorted(self.catalog.families))
            self._problem(error("SL202", f"unknown layer family {name!r} (known: {known})"), path)
            return Item(written, path)
        arn = self._arn(name, arch, path)
        return Item(arn, path, arn.rsplit(":", 1)[0], changed=True) if arn else Item(written, path)

    def _arn(self, family: str, arch: str, path: str) -> str | None:
        found = self.catalog.families[family]
        arn = found.arn(arch, self.region, self.partition)
        if arn is None:
            why = found.unavailable(arch, self.region, self.partition)
            self._problem(error("SL203", f"layer family {family!r} {why}"), path)
        return arn

    def _error(self, code: str, message: str) -> None:
        self._problem(error(code, message), "Properties.Layers")

    def _problem(self, problem: Problem, path: str | None = None) -> None:
        where = path if path is not None else problem.path
        self.problems.append(
            Problem(problem.code, problem.message, self.logical_id, where, problem.severity)
        )


def _unresolved(value: Any) -> Any:
    return {"Ref": "AWS::NoValue"} if value is NO_VALUE else value
