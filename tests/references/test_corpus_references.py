"""Real-world templates: after SafeLambda, every catalogued invocation invokes the alias.

Reads the corpus run of `corpus_support.all_runs` (offline SAM expansion, then SafeLambda) and
checks, independently of the rewriting code, that every reference to a processed function in a
catalogued invocation place names its alias (or its Version, or sets the qualifier, per the
place's action), or is reported.

The counts are printed (`pytest -s -m corpus tests/test_corpus_references.py`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

import corpus_support as corpus
from safelambda.references import catalog
from safelambda.template.intrinsics import function_of, render_path, sub_parts

CHECKED = {"ALIAS_ARN", "ALIAS_ARN_STR", "OPAQUE", "SUBSTITUTION", "VERSION_ARN", "QUALIFIER"}
UNREWRITTEN = ("SL301", "SL302", "SL303", "SL305")

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not corpus.corpus_files(), reason=f"no corpus at {corpus.CORPUS}"),
]


# -- an independent reading of "this place invokes the function unqualified" ---------------------


def bare_functions(value: Any, functions: set[str]) -> Iterator[str]:
    """Functions `value` names unqualified: `Ref`, `.Arn`, `${Fn}`, `${Fn.Arn}` not before `:`."""
    if isinstance(value, list):
        for item in value:
            yield from bare_functions(item, functions)
        return
    if not isinstance(value, dict):
        return
    name = function_of(value)
    if name == "Ref" and value["Ref"] in functions:
        yield value["Ref"]
    elif name == "Fn::GetAtt":
        argument = value[name]
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if isinstance(parts, list) and parts[1:] == ["Arn"] and parts[0] in functions:
            yield parts[0]
    elif name == "Fn::Sub" and sub_parts(value[name]):
        text, local = sub_parts(value[name]) or ("", {})
        for match in re.finditer(r"\$\{([^!}.]+)(\.Arn)?\}(?!:)", text):
            if match.group(1) in functions and match.group(1) not in local:
                yield match.group(1)
        yield from bare_functions(list(local.values()), functions)
    else:
        yield from bare_functions(list(value.values()), functions)


@dataclass
class Tally:
    templates: int = 0
    processed: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    reported: Counter[str] = field(default_factory=Counter)
    permissions: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def _qualifier(props: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = props
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def check_places(run: corpus.Run, tally: Tally) -> None:
    assert run.result is not None
    processed = run.result.template
    plans = run.result.report.functions
    reported = {(w.resource, w.path) for w in run.result.report.warnings if w.code in UNREWRITTEN}
    for code in (w.code for w in run.result.report.warnings):
        tally.reported[code] += 1
    for rid, resource in processed["Resources"].items():
        props = resource.get("Properties") or {}
        for entry in catalog.entries_for(resource["Type"]):
            for path, value in catalog.expand(props, entry.path):
                _check_place(run, tally, (rid, entry, path, value), set(plans), reported)
        if resource["Type"] == "AWS::Lambda::Permission":
            kept = rid.endswith("Unqualified")
            tally.permissions["kept unqualified" if kept else "checked"] += 1


def _check_place(
    run: corpus.Run,
    tally: Tally,
    place: tuple[str, catalog.Entry, tuple[str | int, ...], Any],
    functions: set[str],
    reported: set[tuple[str | None, str | None]],
) -> None:
    rid, entry, path, value = place
    where = render_path(("Properties", *path))
    bare = sorted(set(bare_functions(value, functions)))
    if entry.action in CHECKED and value is not None:
        tally.places[entry.action] += 1
    if not bare or entry.action not in CHECKED:
        return
    if entry.action == "QUALIFIER":
        props = run.result.template["Resources"][rid]["Properties"]  # type: ignore[union-attr]
        qualifier = _qualifier(props, entry.qualifier)
        if qualifier not in (None, "$LATEST") or (rid, where) in reported:
            return
    if any(r == rid and (p or "").startswith(where) for r, p in reported):
        return
    tally.problems.append(f"{run.name}: {rid}.{where} invokes {bare}")


def test_every_catalogued_invocation_in_the_corpus_invokes_the_alias() -> None:
    """The per-template outcomes (test_corpus.py) check lint, loss and stability of the same run."""
    tally = Tally()
    for run in corpus.all_runs().values():
        tally.templates += 1
        if run.result is None:
            tally.failures[run.outcome] += 1
            continue
        tally.processed += 1
        check_places(run, tally)
    print(
        f"\ncorpus: {tally.templates} templates, {tally.processed} processed, "
        f"not processed: {dict(tally.failures)}\n"
        f"catalogued places checked by action: {dict(sorted(tally.places.items()))}\n"
        f"reported: {dict(sorted(tally.reported.items()))}\n"
        f"permissions: {dict(tally.permissions)}"
    )
    assert tally.places["ALIAS_ARN"] > 100 and tally.places["OPAQUE"] > 50
    assert tally.problems == []
