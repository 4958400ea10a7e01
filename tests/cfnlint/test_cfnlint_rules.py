"""SafeLambda's cfn-lint rules, through the real cfn-lint 1.58, on the samples and small cases."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cfnlint_support import OURS, lint_file, lint_path, lint_text, places

from helpers import ROOT, SAMPLES
from safelambda import cli
from safelambda.cfnlint import FOLDER

ARCH = SAMPLES / "arch-switch"
SOURCES = sorted(p for p in SAMPLES.glob("*/*.yaml") if p.stem not in ("expected", "expanded"))
SAM = "AWS::Serverless-2016-10-31"


def check_places(path: Path) -> list[str]:
    """What `safelambda check --format json` reports as SL411, as Resource.Path."""
    result = subprocess.run(
        [sys.executable, "-m", "safelambda", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout)["Findings"]
    return [f"{f['Resource']}.{f['Path']}" for f in findings if f["Code"] == "SL411"]


# -- loading -----------------------------------------------------------------------------


def test_append_rules_loads_one_rule_per_file_with_ids_for_custom_rules() -> None:
    from cfnlint.core import get_rules

    rules = {r.id: r for r in get_rules([FOLDER], [], ["W", "E", "I"]) if r.id[1] == "9"}
    assert sorted(rules) == sorted(OURS)
    for rule in rules.values():  # cfn-lint reserves 9xxx for users' rules (docs/rules.md)
        assert re.fullmatch(r"[EW]9\d{3}", rule.id)
        assert rule.shortdesc and rule.description and rule.source_url.startswith("https://")
        assert "safelambda" in rule.tags
        assert rule.config_definition["macro_name"]["default"] == "SafeLambda"


def test_loading_the_rules_imports_nothing_of_safelambda_and_plain_templates_skip_sam() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from cfnlint.core import get_rules
        get_rules([{FOLDER!r}], [], ["W", "E"])
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("safelambda", "samtranslator")))
        from cfnlint.api import lint_file, ManualArgs
        from pathlib import Path
        lint_file(Path({str(ARCH / "unprotected.yaml")!r}), ManualArgs(append_rules=[{FOLDER!r}]))
        print("samtranslator" in sys.modules, "safelambda.cfnlint._findings" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.splitlines() == ["[]", "False True"], result.stderr


def test_python_m_prints_the_folder_cfn_lint_loads() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "safelambda.cfnlint"], capture_output=True, text=True, check=True
    )
    assert result.stdout == FOLDER + "\n"
    assert (Path(FOLDER) / "latest.py").is_file()


def _shell(command: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": path},
    )


RULES = '"$(python -m safelambda.cfnlint)"'
UNPROTECTED = "samples/arch-switch/unprotected.yaml"


def test_the_readme_command_reports_the_unqualified_integrations_of_unprotected() -> None:
    command = f"cfn-lint --append-rules={RULES} {UNPROTECTED}"
    assert command in (ROOT / "README.md").read_text()
    result = _shell(command)
    lines = [line for line in result.stdout.splitlines() if line.startswith("W9411 ")]
    assert len(lines) == 2, result.stdout + result.stderr
    assert f"{UNPROTECTED}:52:7" in result.stdout  # OrdersQueueMapping's FunctionName
    assert result.returncode == 4  # cfn-lint: warnings only
    assert _shell(f"cfn-lint --append-rules {RULES} -- {UNPROTECTED}").stdout == result.stdout


def test_append_rules_with_a_space_takes_the_template_for_a_rules_folder() -> None:
    """Why the README writes `--append-rules=`: the option is `nargs="+"` in cfn-lint 1.58."""
    result = _shell(f"cfn-lint --append-rules {RULES} {UNPROTECTED}")
    assert result.returncode != 0
    assert "Tried to append rules" in result.stdout + result.stderr


# -- how cfn-lint 1.58 hands a template to the rules ---------------------------------------

PROBE = """
import json
from cfnlint.rules import CloudFormationLintRule, RuleMatch

class Probe(CloudFormationLintRule):
    id = "W9999"
    shortdesc = description = "what a rule sees"
    source_url = "https://example.com"
    tags = []

    def match(self, cfn):
        seen = {
            "pre": cfn.transform_pre["Transform"],
            "now": cfn.template.get("Transform"),
            "types": sorted({r["Type"] for r in cfn.template["Resources"].values()}),
            "globals": cfn.template.get("Globals"),
            "timeout": cfn.template["Resources"]["Fn"]["Properties"].get("Timeout"),
        }
        return [RuleMatch([], json.dumps(seen))]
"""


def test_cfn_lint_runs_no_sam_transform_before_the_rules_and_keeps_transform(
    tmp_path: Path,
) -> None:
    """Why the rules expand SAM themselves and re-read the file: see `cfnlint/_analysis.py`."""
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "Probe.py").write_text(PROBE)
    (tmp_path / "t.yaml").write_text(
        f"Transform: [{SAM}, SafeLambda]\nGlobals: {{Function: {{Timeout: 9}}}}\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: a.b, CodeUri: s3://b/k}\n"
    )
    from cfnlint.api import ManualArgs
    from cfnlint.api import lint_file as cfn_lint_file

    (match,) = [
        m
        for m in cfn_lint_file(
            tmp_path / "t.yaml", ManualArgs(append_rules=[str(tmp_path / "probe")])
        )
        if m.rule.id == "W9999"
    ]
    seen = json.loads(match.message)
    assert seen["pre"] == seen["now"] == [SAM, "SafeLambda"]
    assert seen["types"] == ["AWS::Serverless::Function"]  # not expanded
    assert seen["globals"] == {"Function": {"Timeout": 9}} and seen["timeout"] == 9  # merged


# -- the samples ---------------------------------------------------------------------------


def test_unprotected_reports_each_unqualified_integration_at_its_line() -> None:
    hits = lint_path(ARCH / "unprotected.yaml")
    assert [(h.rule, h.path, h.line) for h in hits] == [
        ("W9411", "Resources/OrdersQueueMapping/Properties/FunctionName", 52),
        ("W9411", "Resources/OrdersMethod/Properties/Integration/Uri/Fn::Sub", 74),
    ]
    assert hits[0].message.startswith("SL411 OrdersQueueMapping.Properties.FunctionName: ")


def test_x86_datadog_extension_on_an_arm64_function_is_reported() -> None:
    layer = [h for h in lint_path(ARCH / "wrong-layer.yaml") if h.rule == "E9206"]
    assert [(h.path, h.line) for h in layer] == [
        ("Resources/OrdersFunction/Properties/Layers/0", 24)
    ]
    assert layer[0].message.startswith("SL206 OrdersFunction.Properties.Layers[0]: layer ")
    assert "Datadog-Extension-ARM" in layer[0].message


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_the_rule_finds_what_check_finds(path: Path) -> None:
    assert places(lint_path(path)) == check_places(path)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_safelambdas_processed_output_of_every_sample_reports_no_rule_of_ours(
    path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "processed.yaml"
    assert cli.main(["transform", str(path), "--quiet", "-o", str(out)]) == 0
    assert lint_path(out) == []


@pytest.mark.parametrize(
    "path", sorted(SAMPLES.glob("*/template.yaml")), ids=lambda p: p.parent.name
)
def test_a_template_listing_safelambda_is_not_flagged_for_what_the_macro_rewrites(
    path: Path,
) -> None:
    assert "SafeLambda" in json.dumps(cli.load_template(str(path)).get("Transform"))
    assert lint_path(path) == []


def test_sam_events_point_at_the_event_that_makes_the_integration(tmp_path: Path) -> None:
    text = (SAMPLES / "sam-app" / "template.yaml").read_text()
    text = text.replace(f"Transform: [{SAM}, SafeLambda]", f"Transform: {SAM}")
    hits = lint_file(tmp_path, text)
    assert [(h.rule, h.path) for h in hits] == [
        ("W9411", "Resources/QueueFunction/Properties/Events/Jobs"),
        ("W9411", "Resources/QueueFunction/Properties/Events/Alerts"),
    ]
    assert f"QueueFunctionJobs.Properties.FunctionName (which {SAM} makes)" in hits[0].message
    assert places(hits) == check_places(tmp_path / "template.yaml")
    assert places(lint_text(text)) == places(hits)  # stdin: cfn-lint's copy, Globals merged


def test_resources_of_a_foreach_point_at_the_loop_body_cfn_lint_expanded() -> None:
    path = Path(__file__).with_name("foreach.yaml")
    hits = lint_path(path)
    assert [(h.path, h.line) for h in hits] == [
        ("Resources/MappingA/Properties/FunctionName", 19),
        ("Resources/MappingB/Properties/FunctionName", 19),
    ]
    assert places(hits) == check_places(path)


# -- layers ------------------------------------------------------------------------------

FUNCTION = """
  Fn:
    Type: {type}
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/app
      {code}
      Architectures: [arm64]
      Layers: [{layer}]
"""
X86 = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:99"


def _function(layer: str, transform: str = "", serverless: bool = False) -> str:
    kind = "AWS::Serverless::Function" if serverless else "AWS::Lambda::Function"
    code = "CodeUri: s3://bucket/key" if serverless else "Code: {S3Bucket: bucket, S3Key: key}"
    head = f"Transform: {transform}\n" if transform else ""
    return head + "Resources:" + FUNCTION.format(type=kind, code=code, layer=layer)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(_function(X86), [("E9206", "SL206")], id="x86-extension-without-macro"),
        pytest.param(_function(X86, "SafeLambda"), [], id="x86-extension-the-macro-swaps"),
        pytest.param(
            _function("safelambda:datadog-extension"),
            [("E9206", "SL202")],
            id="family-without-macro",
        ),
        pytest.param(_function("safelambda:datadog-extension", "SafeLambda"), [], id="family"),
        pytest.param(
            _function("safelambda:no-such-family", "SafeLambda"),
            [("E9206", "SL202")],  # not again as W9401, though the macro rejects it too
            id="unknown-family",
        ),
        pytest.param(
            _function("arn:aws:lambda:us-east-1:123456789012:layer:tools-x86_64:3"),
            [("W9207", "SL207")],
            id="unknown-layer-named-x86",
        ),
        pytest.param(_function(X86, SAM, serverless=True), [("E9206", "SL206")], id="sam-function"),
    ],
)
def test_layer_rules(tmp_path: Path, text: str, expected: list[tuple[str, str]]) -> None:
    hits = lint_file(tmp_path, text)
    assert [(h.rule, h.message.split()[0]) for h in hits] == expected
    assert all(h.path == "Resources/Fn/Properties/Layers/0" for h in hits)


def test_a_global_layer_is_pointed_at_where_globals_lists_it(tmp_path: Path) -> None:
    mine = "arn:aws:lambda:us-east-1:123456789012:layer:mine:1"
    globals_ = f"Globals:\n  Function:\n    Layers: [{X86}]\n"
    text = _function(mine, SAM, serverless=True).replace("Resources:", globals_ + "Resources:")
    for hits in (lint_file(tmp_path, text), lint_text(text)):
        assert [(h.rule, h.path, h.line) for h in hits] == [
            ("E9206", "Resources/Fn/Properties/Layers/0", 4)
        ]
