"""Bad input never crashes: a coded failure through the macro handler and the CLI alike.

Every case goes through `handler.process` (the macro: status failure, coded errorMessage, the
event untouched) and through `python -m safelambda transform FILE -o OUT` (exit 1, one coded line
per problem on stderr, nothing on stdout, no output file, the input file untouched).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

CODE = re.compile(r"\bSL\d{3}\b")
TOPIC = {"Type": "AWS::SNS::Topic"}


def codes(text: str) -> set[str]:
    return set(CODE.findall(text))


def run_cli(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safelambda", "transform", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


def assert_cli_failure(source: Path, expected: set[str]) -> subprocess.CompletedProcess[str]:
    """Exit 1, coded lines only, nothing written, the input file byte for byte as it was."""
    before = source.read_bytes()
    out = source.parent / "out.yaml"
    result = run_cli(source, out)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(re.match(r"SL\d{3}[ :]", line) for line in lines), result.stderr
    assert codes(result.stderr) == expected, result.stderr
    assert sorted(source.parent.iterdir()) == [source]
    assert source.read_bytes() == before
    return result


FILES = [
    pytest.param(b"Resources:\n  A: {Type: AWS::SNS::Topic}\n  A: {Type: X}\n", "SL015", id="dup"),
    pytest.param(
        b'{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Type": "X"}}}', "SL015", id="dup-json"
    ),
    pytest.param(bytes(range(128, 256)), "SL013", id="binary"),
    pytest.param(b"", "SL001", id="empty"),
    pytest.param(b"Resources: [\n", "SL013", id="yaml-syntax"),
    pytest.param(b'{"Resources": ', "SL013", id="json-syntax"),
    pytest.param(b"a: &a [*a]\nResources: {}\n", "SL013", id="alias-cycle"),
    pytest.param(
        b'{"Resources": ' + b"[" * 5000 + b"]" * 5000 + b"}", "SL013", id="json-5000-deep"
    ),
]


@pytest.mark.parametrize(("content", "code"), FILES)
def test_unreadable_template_files_fail_coded(tmp_path: Path, content: bytes, code: str) -> None:
    source = tmp_path / "template.yaml"
    source.write_bytes(content)
    assert_cli_failure(source, {code})


def test_yaml_alias_bomb_is_refused_quickly_as_too_large(tmp_path: Path) -> None:
    # Nine levels of ten aliases each would unroll to a billion values.
    lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    source = tmp_path / "template.yaml"
    source.write_text("\n".join(lines) + "\nResources: {}\n", encoding="utf-8")
    result = assert_cli_failure(source, {"SL007"})
    assert "500000 values" in result.stderr


def test_a_few_yaml_aliases_are_unrolled_as_sam_deploy_does(tmp_path: Path) -> None:
    source = tmp_path / "template.yaml"
    source.write_text(
        "Resources:\n"
        "  A: {Type: AWS::SNS::Topic, Properties: {Tags: &tags [{Key: k, Value: v}]}}\n"
        "  B: {Type: AWS::SNS::Topic, Properties: {Tags: *tags}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "safelambda", "transform", str(source), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["Resources"]
    assert resources["B"]["Properties"]["Tags"] == [{"Key": "k", "Value": "v"}]


def test_duplicate_keys_are_all_listed_with_their_paths_and_lines(tmp_path: Path) -> None:
    source = tmp_path / "template.yaml"
    source.write_text(
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::SNS::Topic\n"
        "    Properties: {DisplayName: a, DisplayName: b}\n"
        "Outputs:\n"
        "  O: {Value: x}\n"
        "  O: {Value: y}\n",
        encoding="utf-8",
    )
    result = assert_cli_failure(source, {"SL015"})
    assert result.stderr.splitlines() == [
        "SL015 Outputs.O: the key is written twice in one mapping (lines 6 and 7); "
        "CloudFormation rejects the template",
        "SL015 Fn.Properties.DisplayName: the key is written twice in one mapping "
        "(lines 4 and 4); CloudFormation rejects the template",
    ]
