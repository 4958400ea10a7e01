"""Layer families as data: one build per architecture, the exceptions, and the vendor's releases.

A family gives, per architecture, an unversioned layer ARN template (`${AWS::Partition}` and
`${AWS::Region}` are the only variables) and a version, plus exceptions for regions or
partitions where the vendor publishes from another account, at another version, or not at all.
It also says how a build of one architecture finds the other architecture's build of the same
release: the same version number (`shared_numbering`), the vendor's release table (`releases`),
or not at all. `catalog` reads families from mappings; `plan` uses them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import NamedTuple

ARCHITECTURES = ("x86_64", "arm64")
PREFIX = "safelambda:"
TEMPLATE_ARN = re.compile(
    r"arn:(?:\$\{AWS::Partition\}|aws[a-z-]*):lambda:(?:\$\{AWS::Region\}|[a-z0-9-]+):"
    r"(\d{12}):layer:([A-Za-z0-9_-]{1,140})"
)


class Build(NamedTuple):
    arn: str  # unversioned, with ${AWS::Partition} / ${AWS::Region}
    version: int

    @property
    def account(self) -> str:
        return self._parts()[0]

    @property
    def name(self) -> str:
        return self._parts()[1]

    def _parts(self) -> tuple[str, str]:
        # Not split(":"): the ARN template's ${AWS::Partition} holds colons itself.
        match = TEMPLATE_ARN.fullmatch(self.arn)
        return (match.group(1), match.group(2)) if match else ("", "")


class Exception_(NamedTuple):
    partition: str | None = None
    regions: tuple[str, ...] = ()
    architectures: tuple[str, ...] = ARCHITECTURES
    account: str | None = None
    version: int | None = None
    available: bool = True

    def applies(self, arch: str, region: str, partition: str) -> bool:
        return (
            arch in self.architectures
            and (self.partition is None or self.partition == partition)
            and (not self.regions or region in self.regions)
        )


class Release(NamedTuple):
    """One vendor release: its layer version per architecture and region."""

    name: str
    versions: Mapping[str, Mapping[str, int]]  # architecture -> region -> layer version


class Sibling(NamedTuple):
    """The other architecture's build of a layer version's release, as far as it is known."""

    version: int | None  # None: the matching release is unknown
    release: str | None = None  # the release's name, when a table says it


class Family(NamedTuple):
    name: str
    builds: Mapping[str, Build]
    partitions: tuple[str, ...] = ("aws",)
    regions: tuple[str, ...] = ()  # empty: every region of the partitions
    exceptions: tuple[Exception_, ...] = ()
    where: str = ""  # the source that defined it, for messages
    shared_numbering: bool = False  # the vendor numbers both builds of a release alike
    releases: tuple[Release, ...] = ()

    def arn(self, arch: str, region: str, partition: str) -> str | None:
        """The versioned layer ARN for one deploy target, or None where it is not published."""
        build = self.builds.get(arch)
        if build is None or self.unavailable(arch, region, partition):
            return None
        account, version = build.account, build.version
        for rule in self.exceptions:
            if rule.applies(arch, region, partition):
                account = rule.account or account
                version = rule.version or version
        text = build.arn.replace("${AWS::Partition}", partition).replace("${AWS::Region}", region)
        parts = text.split(":")
        parts[4] = account
        return ":".join(parts) + f":{version}"

    def unavailable(self, arch: str, region: str, partition: str) -> str | None:
        """Why the family has no build for this target (None when it has one)."""
        if arch not in self.builds:
            return f"has no {arch} build"
        if partition not in self.partitions:
            return f"is not published in partition {partition}"
        if self.regions and region not in self.regions:
            return f"is not published in {region}"
        if any(not r.available and r.applies(arch, region, partition) for r in self.exceptions):
            return f"has no {arch} build in {region}"
        return None

    def accounts(self) -> frozenset[str]:
        own = {b.account for b in self.builds.values()}
        return frozenset(own | {r.account for r in self.exceptions if r.account})

    def sibling(self, arch: str, version: int, region: str, target: str, into: str) -> Sibling:
        """The `target` build in region `into` of the release that `arch` version `version` is
        in `region`. Where the vendor numbers builds alike the number stays; otherwise the
        release table decides, and a version it lists for several releases decides nothing."""
        if self.shared_numbering:
            return Sibling(version)
        found = [r for r in self.releases if r.versions.get(arch, {}).get(region) == version]
        if len(found) != 1:
            return Sibling(None)
        return Sibling(found[0].versions.get(target, {}).get(into), found[0].name)


class Catalog:
    """Layer families by name."""

    def __init__(self, families: dict[str, Family]) -> None:
        self.families = families

    def merged(self, families: Mapping[str, Family]) -> Catalog:
        """A later source's family replaces the earlier one of the same name whole."""
        return Catalog({**self.families, **families})

    def owners(self, layer_name: str, account: str) -> list[tuple[Family, str]]:
        """The (family, architecture) pairs whose build is this layer of this account."""
        return list(self._owners.get((layer_name, account), ()))

    @cached_property
    def _owners(self) -> dict[tuple[str, str], list[tuple[Family, str]]]:
        # Built once: matching every build's ARN per layer reference was a tenth of a transform.
        index: dict[tuple[str, str], list[tuple[Family, str]]] = {}
        for family in self.families.values():
            accounts = family.accounts()
            for arch, build in family.builds.items():
                for account in accounts:
                    index.setdefault((build.name, account), []).append((family, arch))
        return index
