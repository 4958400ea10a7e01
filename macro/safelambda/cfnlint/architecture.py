"""E9206: a layer built for the other architecture, or a layer family nothing resolves."""

from __future__ import annotations

from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch


class LayerArchitecture(CloudFormationLintRule):
    """SafeLambda's layer catalog against each function's resolved architecture."""

    id = "E9206"
    shortdesc = "Layer built for the other architecture, or unknown layer family"
    description = (
        "A function carries a layer that SafeLambda's catalog knows is built for the other "
        "architecture (it fails only when it runs: exec format error, Extension.LaunchError), "
        "or names a layer family (safelambda:NAME) that no mapping defines, that has no build "
        "for its architecture and region, or that no SafeLambda transform will resolve."
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
