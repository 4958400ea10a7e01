"""`safelambda layers`: the bundled layer families, where each figure came from, and one
family's ARN for a region and architecture."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from ..errors import TransformError, error
from ..layers import ARCHITECTURES, Family, bundled, bundled_document
from ..template import partition_of


def swaps(family: Family) -> str:
    """How a swap to the other architecture keeps the written layer's release."""
    missing = [a for a in ARCHITECTURES if a not in family.builds]
    if missing:
        return f"none: no {missing[0]} build (on {missing[0]}, SL203)"
    if len({build.name for build in family.builds.values()}) == 1:
        return "none: one layer serves both architectures"
    if family.shared_numbering:
        return "keep the version number (the vendor numbers both builds alike)"
    if family.releases:
        return f"keep the release, from the vendor's table of {len(family.releases)} releases"
    return "take the catalog's version, with a warning naming both (SL210)"


def _where(family: Family) -> str:
    regions = f"{len(family.regions)} regions" if family.regions else "every region"
    rules = len(family.exceptions)
    kind = "exception" if rules == 1 else "exceptions"
    extra = f"; {rules} {kind} (another account, version or no build)" if rules else ""
    return f"partitions {', '.join(family.partitions)}; {regions}{extra}"


def entries() -> list[dict[str, Any]]:
    """Each bundled family: its builds, partitions and regions, its swaps, its source."""
    document = bundled_document()["Families"]
    out = []
    for name, family in sorted(bundled().families.items()):
        written = document[name]
        builds = {
            arch: {"Layer": build.name, "Version": build.version, "Account": build.account}
            for arch, build in sorted(
                family.builds.items(), key=lambda b: ARCHITECTURES.index(b[0])
            )
        }
        out.append(
            {
                "Family": name,
                "Description": written.get("Description", ""),
                "Architectures": builds,
                "Partitions": list(family.partitions),
                "Regions": list(family.regions) or "every region of the partitions",
                "Exceptions": len(family.exceptions),
                "Swaps": swaps(family),
                "Releases": [r.name for r in family.releases],
                "Source": written.get("Source", ""),
                "Checked": written.get("Checked", ""),
            }
        )
    return out


def listing(fmt: str) -> str:
    if fmt == "json":
        return json.dumps(entries(), indent=2, ensure_ascii=False) + "\n"
    lines: list[str] = []
    families = bundled().families
    for entry in entries():
        lines.append(f"{entry['Family']}  {entry['Description']}")
        for arch, build in entry["Architectures"].items():
            lines.append(
                f"  {arch:<7} {build['Layer']}:{build['Version']} (account {build['Account']})"
            )
        lines.append(f"  {_where(families[entry['Family']])}")
        lines.append(f"  swaps {entry['Swaps']}")
        source = f"source, checked {entry['Checked']}: {entry['Source']}"
        lines.append(
            textwrap.fill(
                source, 92, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False
            )
        )
        lines.append("")
    return "\n".join(lines)


def arn(name: str, region: str, architecture: str) -> str:
    """The family's layer ARN for one deploy target; SL202/SL203 when there is none."""
    families = bundled().families
    if name not in families:
        known = ", ".join(sorted(families))
        raise TransformError([error("SL202", f"unknown layer family {name!r} (known: {known})")])
    partition, _ = partition_of(region)
    found = families[name].arn(architecture, region, partition)
    if found is None:
        why = families[name].unavailable(architecture, region, partition)
        raise TransformError([error("SL203", f"layer family {name!r} {why}")])
    return found
