"""Project-wide checks: documented error codes, lint, types, the README's commands."""

from __future__ import annotations

import re
import subprocess
import sys

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
