"""The benchmark runs end to end, measures real work, and the macro's import path stays lean.

No timing is asserted here: timings belong to `benchmarks/run.py` and the README.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

from helpers import ROOT
from safelambda import transform
from safelambda.offline import sam
from safelambda.template.intrinsics import invokes, references
from safelambda.template.resolve import DeployContext

BENCHMARKS = ROOT / "benchmarks"
# Heavy or CLI-only packages that must never load with the Lambda handler (cold start).
HEAVY = ("cfn_flip", "cfn_tools", "yaml", "jsonpatch", "samtranslator", "pydantic", "boto3")
# dataclasses pulls in inspect, and each class it makes costs ~0.5 ms: 14 ms of the cold start.
HEAVY += ("jsonschema", "dataclasses")
PROBE = """
import json, sys
{statement}
heavy = {heavy!r}
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "macro"), str(BENCHMARKS)])}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def heavy_modules_after(statement: str) -> list[str]:
    """The HEAVY modules a fresh interpreter has loaded after running `statement`."""
    result = _python("-c", PROBE.format(statement=statement, heavy=HEAVY))
    assert result.returncode == 0, result.stderr
    found: list[str] = json.loads(result.stdout)
    return found


def test_handler_import_loads_no_heavy_package() -> None:
    assert heavy_modules_after("import safelambda.handler") == []


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        pytest.param("import yaml", "yaml", id="yaml"),
        pytest.param("import safelambda.handler, jsonpatch", "jsonpatch", id="jsonpatch"),
        pytest.param("from safelambda.cli import load_template", "cfn_tools", id="cli"),
        pytest.param("import safelambda.cli.check", "dataclasses", id="check"),
    ],
)
def test_the_import_probe_sees_heavy_packages(statement: str, expected: str) -> None:
    if expected == "cfn_tools":  # the CLI defers its YAML import until it reads a file
        statement += "\nload_template(%r)" % str(ROOT / "samples/arch-switch/template.yaml")
    assert expected in heavy_modules_after(statement)


def _generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", BENCHMARKS / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _invoking(resource: dict[str, Any], function: str) -> list[str]:
    return [
        "/".join(map(str, path))
        for path, ref in references(resource)
        if ref.target == function and invokes(ref)
    ]


def test_benchmark_template_puts_every_integration_of_every_function_on_its_alias() -> None:
    generate = _generate()
    source = generate.template(4)
    expanded = sam.expand(source, generate.PARAMETERS, "us-east-1", "aws")
    result = transform(expanded, DeployContext(parameters=generate.PARAMETERS))
    resources = result.template["Resources"]
    warned = {(w.code, w.resource) for w in result.report.warnings}
    arches = [resources[generate.function_name(i)]["Properties"]["Architectures"] for i in range(4)]
    assert arches == [["arm64"], ["x86_64"], ["arm64"], ["x86_64"]]
    for index in range(4):
        name = generate.function_name(index)
        plan = result.report.functions[name]
        assert plan["Alias"] == f"{name}Aliaslive"
        events = ("OnQueue", "OnTopic", "OnRule", "OnRulePermission", "OnTopicPermission")
        for rid in [f"{name}{event}" for event in events] + [f"{name}Bucket"]:
            alias_refs = [p for p, ref in references(resources[rid]) if ref.target == plan["Alias"]]
            assert alias_refs, f"{rid} does not invoke {plan['Alias']}"
        left = {
            rid: paths
            for rid, resource in resources.items()
            if (paths := _invoking(resource, name)) and rid not in (plan["Version"], plan["Alias"])
        }
        # The API integration URI sits inside the OpenAPI body: rewritten, or else reported.
        assert set(left) <= {"ServerlessRestApi"}
        assert not left or ("SL301", "ServerlessRestApi") in warned


def test_benchmark_runs_end_to_end_on_a_tiny_template() -> None:
    result = _python(str(BENCHMARKS / "run.py"), "--sizes", "2", "--repeat", "1", "--cold", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.startswith("|   2 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert int(cells[1]) > 20  # resources of the expanded template: the work is real
    assert all(float(cell.rstrip("x")) > 0 for cell in cells[3:])
    verdicts = [line.split()[0] for line in lines if line.split()[:1] in (["PASS"], ["MISS"])]
    skipped = [line for line in lines if line.startswith("n/a")]
    # Import and memory targets are measured at any size; the N=100/N=200 ones need those sizes.
    assert len(verdicts) == 1 and len(skipped) == 4, result.stdout
    assert any(line.startswith("import in a fresh interpreter") for line in lines)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "benchmarks"], id="ruff"),
        pytest.param(["ruff", "format", "--check", "benchmarks"], id="format"),
        pytest.param(["mypy", "benchmarks/run.py", "benchmarks/generate.py"], id="mypy"),
    ],
)
def test_benchmark_code_is_linted_and_typed(command: list[str]) -> None:
    result = _python("-m", *command)
    assert result.returncode == 0, result.stdout + result.stderr
