"""Print the context ``cdk synth`` would hand a freshly ``cdk init``-ed app, as JSON.

The CDK CLI runs an app with ``CDK_CONTEXT_JSON`` holding the ``context`` of ``cdk.json`` (for a
new project: the recommended feature flags of the aws-cdk-lib it was created with) plus its own
switches for path metadata, asset metadata and version reporting. The fixture apps run without
the CLI, so regenerate.sh passes them this instead. The flags are read from the installed
aws-cdk-lib's ``recommended-feature-flags.json``, so they always match the pinned library.
"""

from __future__ import annotations

import json
import sys
import tarfile
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

CLI_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": True,
    "aws:cdk:bundling-stacks": ["**"],
}


def recommended_flags() -> dict[str, object]:
    # Located without importing aws_cdk, which would start the jsii kernel.
    spec = find_spec("aws_cdk")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("aws-cdk-lib is not installed")
    package = Path(next(iter(spec.submodule_search_locations)))
    tarball = package / "_jsii" / f"aws-cdk-lib@{version('aws-cdk-lib')}.jsii.tgz"
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/recommended-feature-flags.json")
        if member is None:
            raise SystemExit(f"{tarball} has no recommended-feature-flags.json")
        flags: dict[str, object] = json.load(member)
    return flags


def main() -> None:
    json.dump({**recommended_flags(), **CLI_CONTEXT}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
