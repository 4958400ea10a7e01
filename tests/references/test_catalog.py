"""The integration catalog: complete against the shared evidence, well formed, documented."""

from __future__ import annotations

import csv
import importlib.util
import re
from typing import Any

import pytest

from helpers import ROOT
from safelambda.references import catalog, references

# `../shared` beside the repository in CI; a worktree sits one level deeper.
SHARED = next((p / "shared" for p in ROOT.parents[:2] if (p / "shared").is_dir()), ROOT.parent)
EVIDENCE = SHARED / "reference" / "lambda_refs.tsv"
VERDICTS = {
    "ALIAS_ARN",
    "ALIAS_ARN_STR",
    "QUALIFIER",
    "VERSION_ARN",
    "EXTEND_IAM",
    "OPAQUE",
    "LEAVE",
}
# A VERIFY row is decided from AWS documentation, or reported while unproven.
DECIDED = {"ALIAS_ARN": ("DOC", "SCHEMA"), "REPORT": ("UNPROVEN",)}
# Where the package deliberately acts differently from the evidence's verdict, and why.
DEVIATIONS = {
    # permissions follow their integration instead of always moving
    ("AWS::Lambda::Permission", "/FunctionName"): "PERMISSION",
    ("AWS::Lambda::ResourcePolicy", "/ResourceArn"): "PERMISSION",
    ("AWS::Lambda::ResourcePolicy", "/PolicyDocument"): "PERMISSION",
    # invisible content is reported, not silently left
    ("AWS::ApiGateway::RestApi", "/BodyS3Location"): "HIDDEN",
    ("AWS::StepFunctions::StateMachine", "/DefinitionS3Location"): "HIDDEN",
    # substituted text: names must become name:alias, not an ARN
    ("AWS::StepFunctions::StateMachine", "/DefinitionSubstitutions"): "SUBSTITUTION",
    # opaque places whose alias support is undocumented, or whose consumer is invisible
    ("AWS::Athena::DataCatalog", "/Parameters"): "REPORT",
    ("AWS::CodePipeline::Pipeline", "/Stages/*/Actions/*/Configuration"): "REPORT",
    ("AWS::Cognito::IdentityPool", "/CognitoEvents"): "REPORT",
    ("AWS::Connect::ContactFlow", "/Content"): "REPORT",
    ("AWS::Logs::AccountPolicy", "/PolicyDocument"): "REPORT",
    ("AWS::CloudFormation::Stack", "/Parameters"): "REPORT",
    ("AWS::Lambda::Function", "/Environment/Variables"): "REPORT",
}


def evidence_rows() -> list[dict[str, str]]:
    with EVIDENCE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def package_path(path: str) -> str:
    """`/properties/A/<regex>/B` (schema form) -> `/A/*/B` (the package's form)."""
    return re.sub(r"<[^/]*>", "*", path.removeprefix("/properties"))


def places() -> dict[tuple[str, str], catalog.Entry]:
    found: dict[tuple[str, str], catalog.Entry] = {}
    for entry in catalog.entries():
        found[(entry.type, "/" + "/".join(entry.path))] = entry
        if entry.qualifier:
            found[(entry.type, "/" + "/".join(entry.qualifier))] = entry
    return found


needs_evidence = pytest.mark.skipif(
    not EVIDENCE.exists(), reason=f"the shared evidence is not at {EVIDENCE}"
)


@needs_evidence
def test_every_reviewed_place_of_the_evidence_is_in_the_package_table() -> None:
    table = places()
    rows = [r for r in evidence_rows() if r["verdict"] in VERDICTS | {"VERIFY"}]
    missing = [
        f"{r['type']} {r['path']} ({r['verdict']})"
        for r in rows
        if (r["type"], package_path(r["path"])) not in table
    ]
    assert len(rows) == 176
    assert missing == []


@needs_evidence
def test_package_actions_agree_with_the_evidence_or_are_listed_deviations() -> None:
    table = places()
    disagreements = []
    for row in evidence_rows():
        key = (row["type"], package_path(row["path"]))
        if row["verdict"] not in VERDICTS or key not in table:
            continue
        expected = DEVIATIONS.get(key, row["verdict"])
        if table[key].action != expected:
            disagreements.append(f"{key}: {table[key].action}, evidence {row['verdict']}")
    assert disagreements == []


@needs_evidence
def test_every_verify_row_records_a_documented_decision() -> None:
    table = places()
    undecided = []
    for row in evidence_rows():
        if row["verdict"] != "VERIFY":
            continue
        entry = table[(row["type"], package_path(row["path"]))]
        if not entry.source.startswith(DECIDED.get(entry.action, ("-",))):
            undecided.append(f"{entry.type} {'/'.join(entry.path)}: {entry.action}")
    assert undecided == []


def test_table_is_sorted_unique_and_every_action_is_implemented() -> None:
    entries = catalog.entries()
    keys = [(e.type, e.path) for e in entries]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert {e.action for e in entries} <= set(references.ACTIONS) == catalog.ACTIONS
    assert all(e.source for e in entries)
    assert all(bool(e.qualifier) == (e.action == "QUALIFIER") for e in entries)


def test_table_is_package_data_and_needs_nothing_outside_the_package() -> None:
    from importlib import resources

    text = resources.files("safelambda").joinpath("data/integrations.tsv").read_text("utf-8")
    assert "../" not in text and "shared/" not in text
    assert len(catalog.entries()) == len([ln for ln in text.splitlines() if ln and ln[0] != "#"])


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("AWS::X::Y\t/A\tREWRITE\t\tsource", id="unknown-action"),
        pytest.param("AWS::X::Y\t/A\tALIAS_ARN\t/Q\tsource", id="qualifier-on-other-action"),
        pytest.param("AWS::X::Y\t/A\tQUALIFIER\t\tsource", id="qualifier-missing"),
    ],
)
def test_malformed_table_rows_are_refused(line: str) -> None:
    with pytest.raises(ValueError, match=r"integrations\.tsv"):
        catalog._parse(line)


def coverage_script() -> Any:
    spec = importlib.util.spec_from_file_location("coverage_script", ROOT / "scripts/coverage.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_doc_is_generated_from_the_current_table() -> None:
    doc = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert doc == coverage_script().render(), "docs/coverage.md is stale: run scripts/coverage.py"
    for entry in catalog.entries():
        assert f"| `{entry.type}` | `{'/'.join(entry.path)}` | `{entry.action}` |" in doc


def test_readme_links_the_coverage_doc() -> None:
    assert "(docs/coverage.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
