"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run by pre-commit on a fresh repository.

pre-commit builds a `language: python` hook's own virtualenv by pip-installing this repository
and the hook's `additional_dependencies` from PyPI: about 70 s, more than the default run can
spend. So the default run copies the manifest with `language: system` (the hooks run from this
virtualenv, which has everything installed) and `pre-commit try-repo`s that copy; the marked
test `hook_venv` runs the manifest as it is, building the real environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import ROOT, SAMPLES

ARCH = SAMPLES / "arch-switch"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BIN = str(Path(sys.executable).parent)
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def hooks(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safelambda.cfnlint", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def git(cwd: Path, *args: str) -> None:
    identity = ["-c", "user.name=SafeLambda tests", "-c", "user.email=tests@safelambda.invalid"]
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True)


def repository(path: Path, files: dict[str, Path | str]) -> Path:
    """A fresh git repository with `files` staged, not committed."""
    path.mkdir()
    git(path, "init", "-q")
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        else:
            target.write_text(content, encoding="utf-8")
    git(path, "add", ".")
    return path


NOT_A_TEMPLATE = "name: ci\non: [push]\njobs: {}\n"
PROTECTED = SAMPLES / "sam-app" / "template.yaml"  # no finding of check nor of cfn-lint
APP = {
    "stack/orders.yaml": ARCH / "unprotected.yaml",
    "stack/protected.yaml": PROTECTED,
    ".github/workflows/ci.yaml": NOT_A_TEMPLATE,
}


# -- the hook commands -----------------------------------------------------------------------


def test_check_runs_safelambda_check_on_each_template_and_names_the_file(tmp_path: Path) -> None:
    repo = repository(tmp_path / "app", APP)
    result = hooks(["check", *APP], repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("stack/orders.yaml: SL411 Orders") for line in lines)


def test_check_passes_options_before_the_files(tmp_path: Path) -> None:
    repo = repository(tmp_path / "app", {"t.yaml": ARCH / "wrong-layer.yaml"})
    result = hooks(["check", "--region", "eu-west-1", "-q", "t.yaml"], repo)
    assert "arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Extension-ARM" in result.stdout


def test_check_reports_a_template_that_does_not_parse(tmp_path: Path) -> None:
    repo = repository(tmp_path / "app", {"broken.yaml": "Resources: [\n"})
    result = hooks(["check", "broken.yaml"], repo)
    assert result.returncode == 3
    assert result.stdout.startswith(
        "broken.yaml: SL013: cannot parse broken.yaml at line 2, column 1: "
    )


def test_lint_runs_cfn_lint_with_the_rules_on_the_templates_only(tmp_path: Path) -> None:
    repo = repository(tmp_path / "app", APP)
    result = hooks(["lint", "--format=parseable", *APP], repo)
    rules = re.findall(r"^([^:]+):\d+:\d+:\d+:\d+:([EWI]\d{4}):", result.stdout, re.M)
    assert rules == [("stack/orders.yaml", "W9411")] * 2, result.stdout
    assert result.returncode == 4  # cfn-lint's code for warnings


def test_an_unknown_hook_says_how_to_call_it(tmp_path: Path) -> None:
    result = hooks(["verify", "x.yaml"], tmp_path)
    assert result.returncode == 2
    assert "check|lint" in result.stderr


# -- through pre-commit ----------------------------------------------------------------------


def system_manifest(path: Path) -> Path:
    """A hooks repository whose manifest is ours with `language: system`."""
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    for hook in manifest:
        hook["language"] = "system"
        hook.pop("additional_dependencies")
    repo = repository(path, {".pre-commit-hooks.yaml": yaml.safe_dump(manifest)})
    git(repo, "commit", "-q", "-m", "hooks")  # try-repo reads a revision
    return repo


def try_repo(
    hooks_repo: Path, hook: str | None, app: Path, home: Path
) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` of one hook, or of all when `hook` is None, on `app`'s staged files."""
    path = f"{BIN}{os.pathsep}{os.environ['PATH']}"  # `python` is this virtualenv's
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": path}
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(hooks_repo), *([hook] if hook else []), "--color", "never"],
        cwd=app,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_manifest_declares_both_hooks_on_template_files() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert [h["id"] for h in manifest] == ["safelambda-check", "safelambda-lint"]
    for hook in manifest:
        assert hook["language"] == "python"
        assert hook["entry"].startswith("python -m safelambda.cfnlint ")
        assert all(re.search(hook["files"], f) for f in ("a.yaml", "b.yml", "c.json", "d.template"))
        assert not re.search(hook["files"], "README.md")
    assert manifest[0]["additional_dependencies"] == manifest[1]["additional_dependencies"]


@pytest.mark.parametrize(
    ("hook", "finding"),
    [
        pytest.param("safelambda-check", "stack/orders.yaml: SL411 ", id="check"),
        pytest.param("safelambda-lint", "W9411 SL411 ", id="lint"),
    ],
)
def test_pre_commit_runs_the_hooks_on_the_staged_templates(
    tmp_path: Path, hook: str, finding: str
) -> None:
    hooks_repo = system_manifest(tmp_path / "hooks")
    failing = try_repo(hooks_repo, hook, repository(tmp_path / "app", APP), tmp_path / "home")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert re.search(r"\.{3,}Failed$", failing.stdout, re.M)
    assert finding in failing.stdout
    clean = repository(tmp_path / "clean", {"stack/protected.yaml": PROTECTED})
    passing = try_repo(hooks_repo, hook, clean, tmp_path / "home")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert re.search(r"\.{3,}Passed$", passing.stdout, re.M)


@pytest.mark.hook_venv
def test_pre_commit_builds_the_hooks_environment_from_this_repository(tmp_path: Path) -> None:
    """The manifest as users get it: pre-commit pip-installs this repository, cfn-lint and the
    SAM translator into one virtualenv, which both hooks share."""
    app = repository(tmp_path / "app", APP)
    result = try_repo(ROOT, None, app, tmp_path / "home")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("[INFO] Installing environment for") == 1
    assert re.search(r"^safelambda check\.{3,}Failed$", result.stdout, re.M)
    assert re.search(r"^cfn-lint with SafeLambda's rules\.{3,}Failed$", result.stdout, re.M)
    assert "stack/orders.yaml: SL411 OrdersQueueMapping" in result.stdout
    assert "W9411 SL411 OrdersQueueMapping" in result.stdout
