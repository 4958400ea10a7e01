"""`safelambda plan`: what the macro changes, as a readable summary or an RFC 6902 patch.

Both read SafeLambda's own `Report` (functions, each rewrite with its before and after) rather
than re-deriving it, and the patch turns the fragment SafeLambda receives into what it returns.
"""

from __future__ import annotations

import json
from typing import Any

from ..offline import Outcome
from ..template import FUNCTION, function_of, getatt_parts, properties, render_path


def json_patch(outcome: Outcome) -> list[dict[str, Any]]:
    """RFC 6902 operations turning `outcome.macro_input` into `outcome.output`."""
    import jsonpatch

    operations: list[dict[str, Any]] = jsonpatch.make_patch(
        outcome.macro_input or {}, outcome.output
    ).patch
    return operations


def short(value: Any) -> str:
    """A value as a reader scans it: `!Ref X`, `!GetAtt X.Arn`, a string, else compact JSON."""
    name = function_of(value)
    if name == "Ref":
        return f"!Ref {value[name]}"
    if name == "Fn::GetAtt" and getatt_parts(value[name]):
        return "!GetAtt {}.{}".format(*(getatt_parts(value[name]) or ("", "")))
    if name == "Fn::Sub" and isinstance(value[name], str):
        return f"!Sub {json.dumps(value[name], ensure_ascii=False)}"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _layers(template: dict[str, Any] | None) -> dict[str, Any]:
    resources = (template or {}).get("Resources")
    resources = resources if isinstance(resources, dict) else {}
    return {
        rid: properties(r).get("Layers")
        for rid, r in resources.items()
        if isinstance(r, dict) and r.get("Type") == FUNCTION
    }


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"{title} ({len(lines)}):", *(f"  {line}" for line in lines or ["none"])]


def summary(outcome: Outcome, name: str) -> str:
    """The human plan: functions, rewritten references, layers changed, the deploy's new
    resources, orderings and windows (`Adoption: Prepare` and `NextAliasName` close those), report
    entries."""
    result = outcome.result
    if result is None:  # pipeline.run(add_macro=True) always runs the macro
        raise ValueError("plan needs an outcome of the macro")
    report = result.report
    head = [f"SafeLambda plan for {name} (transforms run: {', '.join(outcome.ran)})"]
    if outcome.options.macro_name not in outcome.listed:
        head.append("SafeLambda is not in the template's Transform list: adding it does this.")
    functions = [
        f"{fid}: Version {f['Version']}, Alias {f['Alias']} (name {f['AliasName']})"
        + (f", next alias {f['NextAlias']} (name {f['NextAliasName']})" if "NextAlias" in f else "")
        for fid, f in report.functions.items()
    ]
    rewrites = [
        f"{r.resource}.{render_path(r.change[0])}: {short(r.change[1])} → {short(r.change[2])}"
        for r in report.rewrites
    ]
    before, after = _layers(outcome.macro_input), _layers(outcome.output)
    layers = [
        f"{fid}: {short(before.get(fid))} → {short(after[fid])}"
        for fid in after
        if before.get(fid) != after[fid]
    ]
    lines = head + [""]
    lines += _section("Functions versioned", functions)
    lines += _section("References moved", rewrites)
    lines += _section("Layers changed", layers)
    lines += _section("Resources replaced", [f"{old} → {new}" for old, new in report.replaced])
    lines += _section("Orderings added", [f"{r} DependsOn {on}" for r, on in report.orderings])
    lines += _section(
        "Windows left",
        [
            f"{r} may invoke the alias before {on} exists: waiting would be a cycle "
            "(deploy once first with Adoption: Prepare when adopting SafeLambda, with "
            "NextAliasName when renaming the alias)"
            for r, on in report.windows
        ],
    )
    lines += _section("Report", [w.render() for w in report.warnings])
    return "\n".join(lines) + "\n"
