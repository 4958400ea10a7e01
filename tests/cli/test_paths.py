"""`transform -o` re-points every local path the template holds, exactly as SAM CLI would."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from helpers import OFFLINE_FIXTURES
from safelambda import cli
from safelambda.cli import paths

NESTED = OFFLINE_FIXTURES / "nested" / "template.yaml"
# One value of every kind a path property can hold; only the first is a local path.
KINDS = ["code/", "s3://bucket/key", "https://example.com/t.yaml", "/abs/code", {"Ref": "P"}]


def _with(pattern: str, value: Any) -> dict[str, Any]:
    """Properties holding `value` at `pattern` (`*` as a key named `Any`)."""
    props: dict[str, Any] = {}
    node = props
    parts = pattern.replace("*", "Any").split("/")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value)
    return props


def every_path_template() -> dict[str, Any]:
    resources = {
        f"R{i}": {"Type": kind, "Properties": _with(pattern, value)}
        for i, (kind, pattern, value) in enumerate(
            (kind, pattern, value)
            for kind, patterns in paths.RESOURCES.items()
            for pattern in patterns
            for value in KINDS
        )
    }
    resources["Asset"] = {"Type": "AWS::Lambda::Function", "Metadata": {"aws:asset:path": "asset/"}}
    resources["NotAsset"] = {"Type": "AWS::SNS::Topic", "Metadata": {"aws:asset:path": "asset/"}}
    resources["Included"] = {
        "Type": "AWS::SNS::Topic",
        "Properties": {
            "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "part.yaml"}}
        },
    }
    metadata = {
        "AWS::ServerlessRepo::Application": {"LicenseUrl": "LICENSE", "ReadmeUrl": "s3://b/r"}
    }
    return {"Metadata": metadata, "Resources": resources}


def test_the_table_is_sam_clis_own() -> None:
    from samcli.lib.utils.resources import METADATA_WITH_LOCAL_PATHS, RESOURCES_WITH_LOCAL_PATHS

    assert set(paths.RESOURCES) == set(RESOURCES_WITH_LOCAL_PATHS)
    for kind, names in RESOURCES_WITH_LOCAL_PATHS.items():
        assert {p.split("/")[-1] for p in paths.RESOURCES[kind]} == {
            n.split(".")[-1] for n in names
        }, kind
    assert {k: tuple(v) for k, v in METADATA_WITH_LOCAL_PATHS.items()} == paths.METADATA


def test_every_local_path_moves_as_sam_build_moves_it_and_nothing_else_does(
    tmp_path: Path,
) -> None:
    from samcli.commands._utils.template import _update_relative_paths

    source, output = tmp_path / "app" / "template.yaml", tmp_path / "build" / "x" / "out.yaml"
    template = every_path_template()
    before = copy.deepcopy(template)
    ours = paths.rebase(template, str(source), str(output))
    theirs = _update_relative_paths(copy.deepcopy(template), str(source.parent), str(output.parent))
    assert ours == theirs
    assert template == before  # a copy
    assert ours["Resources"]["Asset"]["Metadata"]["aws:asset:path"] == "../../app/asset"
    assert ours["Resources"]["NotAsset"]["Metadata"]["aws:asset:path"] == "asset/"
    moved = [
        (r["Type"], json.dumps(r.get("Properties")))
        for rid, r in ours["Resources"].items()
        if r != before["Resources"][rid] and rid != "Asset"
    ]
    assert all("../../app/" in text for _, text in moved)
    # Exactly the local value of each property moved: one per (type, path) pair, plus the include.
    assert len(moved) == sum(len(p) for p in paths.RESOURCES.values()) + 1


def test_output_in_the_same_folder_or_on_stdout_changes_nothing(tmp_path: Path) -> None:
    template = every_path_template()
    source = str(tmp_path / "template.yaml")
    assert paths.rebase(template, source, str(tmp_path / "out.yaml")) is template
    assert paths.rebase(template, source, None) is template
    assert paths.rebase(template, "-", str(tmp_path / "b" / "out.yaml")) is template


def test_an_image_function_keeps_its_image(tmp_path: Path) -> None:
    image = {"PackageType": "Image", "Code": {"ImageUri": "fn:latest"}}
    template = {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": image}}}
    out = paths.rebase(template, str(tmp_path / "t.yaml"), str(tmp_path / "b" / "o.yaml"))
    assert out == template


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside SAM CLI
def test_sam_cli_finds_local_nested_stacks_and_code_from_the_output_folder(
    tmp_path: Path,
) -> None:
    """Before: `Code` moved with `-o`, but a nested stack's `TemplateURL` did not."""
    from samcli.lib.providers.sam_function_provider import SamFunctionProvider
    from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider

    out = tmp_path / "build" / "processed.yaml"
    out.parent.mkdir()
    assert cli.main(["transform", str(NESTED), "-q", "-o", str(out), "--format", "json"]) == 0
    resources = json.loads(out.read_text())["Resources"]
    relative = os.path.relpath(NESTED.parent, out.parent)
    assert resources["Child"]["Properties"]["TemplateURL"] == f"{relative}/child/template.yaml"
    assert resources["Other"]["Properties"]["TemplateURL"] == f"{relative}/child/template.yaml"
    assert resources["Remote"]["Properties"]["TemplateURL"] == (
        "https://s3.amazonaws.com/shared/stack.yaml"
    )
    assert resources["Chosen"]["Properties"]["TemplateURL"] == {
        "Fn::Sub": "https://s3.amazonaws.com/${AWS::Region}-stacks/stack.yaml"
    }
    stacks, _ = SamLocalStackProvider.get_stacks(str(out))
    assert sorted(s.stack_path for s in stacks) == ["", "Child", "Other"]
    assert all(Path(s.location).resolve().is_file() for s in stacks)
    (fn,) = SamFunctionProvider(stacks).get_all()
    assert Path(fn.codeuri).resolve() == (NESTED.parent / "child" / "src").resolve()
