"""Only SafeLambda speaks on stderr: `-q` is quiet, and other libraries' logs wait for `-v`."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from helpers import OFFLINE_FIXTURES
from helpers import safelambda as run
from safelambda import cli

QUIET = OFFLINE_FIXTURES / "quiet" / "template.yaml"
SAR = OFFLINE_FIXTURES / "sar" / "template.yaml"
FEATURE = "samtranslator: Feature 'normalized_open_api_version' not available"


@pytest.mark.parametrize(
    ("path", "args"),
    [
        pytest.param(QUIET, ["-q"], id="translator-log-quiet"),
        pytest.param(QUIET, [], id="translator-log-default"),
        pytest.param(SAR, ["-q"], id="repository-quiet"),
        pytest.param(OFFLINE_FIXTURES / "image" / "template.yaml", ["-q"], id="warnings-quiet"),
    ],
)
def test_stderr_holds_nothing_but_safelambdas_coded_lines(path: Path, args: list[str]) -> None:
    """Before: the translator's "Feature 'normalized_open_api_version' not available in
    Feature Toggle Config." reached stderr even under -q."""
    result = run("transform", str(path), *args)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert all(line.startswith("SL0") for line in lines), lines
    if "-q" in args:
        assert result.stderr == ""


def test_verbose_shows_what_the_translator_logged_as_one_line_each() -> None:
    result = run("transform", str(QUIET), "-v")
    assert result.returncode == 0
    assert any(line.startswith(FEATURE) for line in result.stderr.splitlines())
    assert "unpublished metrics" not in result.stderr  # the translator's metrics went nowhere


@pytest.mark.parametrize("args", [["-q"], []], ids=["quiet", "default"])
def test_in_process_runs_are_as_quiet_and_leave_logging_as_they_found_it(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    assert cli.main(["transform", str(QUIET), *args]) == 0
    assert capsys.readouterr().err == ""
    assert (root.handlers, root.level) == (handlers, level)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("after the command", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["after the command"]  # not captured any more


def test_python_warnings_of_other_libraries_go_through_the_same_route(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from safelambda.offline import pipeline

    real = pipeline.run

    def noisy(*args: object, **kwargs: object) -> pipeline.Outcome:
        warnings.warn("a library's own warning", UserWarning, stacklevel=1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "run", noisy)
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # not once per place: each run warns
        assert cli.main(["transform", str(QUIET), "-q"]) == 0
        assert capsys.readouterr().err == ""
        assert cli.main(["transform", str(QUIET), "-v"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("py: ") and "a library's own warning" in line for line in err)
