"""W9207: a layer the catalog does not know, whose name says the other architecture."""

from __future__ import annotations

from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch


class LayerNameArchitecture(CloudFormationLintRule):
    """Layer names such as `-ARM`, `-Arm64`, `amd64` or `x86_64` against the architecture."""

    id = "W9207"
    shortdesc = "Layer name says the other architecture"
    description = (
        "A layer SafeLambda's catalog does not know has a name that says it is built for the "
        "other architecture than its function's (-ARM, -Arm64, arm64, amd64, x86_64)."
    )
    source_url = "https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html"
    tags: ClassVar[list[str]] = ["resources", "lambda", "layers", "safelambda"]

    def __init__(self) -> None:
        super().__init__()
        # `--configure-rule ID:macro_name=NAME` when SafeLambda is installed under another name
        self.config_definition = {"macro_name": {"default": "SafeLambda", "type": "string"}}
        self.configure()

    def match(self, cfn: Any) -> list[Any]:
        from safelambda.cfnlint._findings import find  # not at cfn-lint's start-up

        found = find(self.id, cfn, self.config["macro_name"])
        return [RuleMatch(path, message) for path, message in found]
