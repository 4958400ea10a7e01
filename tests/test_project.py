"""Project-wide checks: documented error codes, lint, types, the README's commands."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from helpers import ROOT
from safelambda import CODES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_error_code_is_documented_and_every_documented_code_exists() -> None:
    documented = dict(re.findall(r"^\| (SL\d{3}) \| (.+?) \|$", README, re.MULTILINE))
    assert documented == CODES


def test_every_code_used_in_the_package_is_registered() -> None:
    used = set()
    for path in (ROOT / "macro" / "safelambda").rglob("*.py"):
        if path.name == "errors.py":  # the registry itself
            continue
        used |= set(re.findall(r'"(SL\d{3})"', path.read_text(encoding="utf-8")))
    assert used - set(CODES) == set()
    assert set(CODES) - used == set(), "registered codes no code raises"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert "safelambda transform samples/" in block[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "macro", "tests", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "macro", "tests", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_macro_template_is_cfn_lint_clean() -> None:
    from cfnlint.api import ManualArgs, lint

    matches = lint((ROOT / "template.yaml").read_text(), config=ManualArgs(regions=["us-east-1"]))
    assert [str(m) for m in matches] == []


PACKAGE = ROOT / "macro" / "safelambda"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's own modules `path` imports, at module level or inside a function."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            submodules = {f"{target}.{alias.name}" for alias in node.names}
            found |= (submodules & modules) or {target}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            found |= {n for n in names if n in modules}
    return found - {name}


def test_the_package_has_no_import_cycle() -> None:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: _imports(path, set(paths)) for name, path in paths.items()}
    cycles = []
    for start, imported in graph.items():  # every module: is it reachable from what it imports?
        seen, todo = set(), list(imported)
        while todo:
            node = todo.pop()
            if node == start:
                cycles.append(start)
                break
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
    assert cycles == []


def test_the_layout_keeps_its_rooms_small() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 320
    }
    assert long == {}
    for step in ("template", "layers", "versions", "references", "deploy", "offline", "cli"):
        doc = ast.get_docstring(ast.parse((PACKAGE / step / "__init__.py").read_text("utf-8")))
        assert doc, f"{step}/__init__.py says what the folder does"
