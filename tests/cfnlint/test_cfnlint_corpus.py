"""The rules on every template of the shared corpus, through the real cfn-lint.

W9411 must find exactly what `safelambda check` finds on the same file, and SafeLambda's own
processed output (the corpus run of `tests/test_corpus.py`, shared per process) must report
nothing, except the places the macro itself reports as SL302: it leaves a function named in an
environment variable or another place where no AWS documentation proves an alias works
unqualified on purpose, so `check` and W9411 still see `$LATEST` there.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from cfnlint_support import OURS, Hit, lint_path, places

import corpus_support as corpus
from safelambda import cli

FILES = corpus.corpus_files()
needs_corpus = pytest.mark.skipif(not FILES, reason=f"no corpus at {corpus.CORPUS}")


class Seen(NamedTuple):
    source: list[Hit]  # the rules on the file as written
    checked: list[str] | None  # `check`'s SL411 and SL302 places; None when check cannot process it
    output: list[Hit]  # the rules on SafeLambda's processed output
    reported: set[str]  # the places SafeLambda's report lists as SL302


def _check(path: Path, template: Any) -> list[str] | None:
    """`safelambda check --format json`, with a value for each parameter without a default."""
    overrides = corpus.placeholder_overrides(template) if isinstance(template, dict) else {}
    given = ["--parameter-overrides", *(f"{k}={v}" for k, v in overrides.items())]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(["check", "--format", "json", str(path), *(given if overrides else [])])
    if code not in (0, 1):
        return None
    findings = json.loads(out.getvalue())["Findings"]
    return [f"{f['Resource']}.{f['Path']}" for f in findings if f["Code"] in ("SL411", "SL302")]


def _load(path: Path) -> Any:
    try:
        return cli.load_template(str(path))
    except Exception:  # the loader's rejections are counted in tests/test_corpus.py
        return None


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Seen]:
    runs = corpus.all_runs()
    folder = tmp_path_factory.mktemp("processed")
    found = {}
    for path in FILES:
        name = str(path.relative_to(corpus.CORPUS))
        result = runs[name].result
        output: list[Hit] = []
        reported: set[str] = set()
        if result is not None and runs[name].outcome == corpus.OK:
            processed = folder / "processed.json"
            processed.write_text(cli.dump_template(result.template, "json"), encoding="utf-8")
            output = lint_path(processed, alone=True)
            warned = (w for w in result.report.warnings if w.code == "SL302")
            reported = {f"{w.resource}.{w.path}" for w in warned}
        found[name] = Seen(lint_path(path, alone=True), _check(path, _load(path)), output, reported)
    return found


@needs_corpus
@pytest.mark.corpus
def test_corpus_counts_per_rule(seen: dict[str, Seen]) -> None:
    source = Counter(h.rule for s in seen.values() for h in s.source)
    output = Counter(h.rule for s in seen.values() for h in s.output)
    codes = Counter(h.message.split()[0] for s in seen.values() for h in s.source)
    print(f"\ncorpus, {len(seen)} templates; as written: {dict(sorted(source.items()))}")
    print(f"codes in the messages: {dict(sorted(codes.items()))}")
    print(f"SafeLambda's processed output: {dict(sorted(output.items()))}")
    compared = sum(s.checked is not None for s in seen.values())
    print(f"compared with safelambda check: {compared} templates (check cannot process the rest)")
    assert source["W9411"] > 300  # the corpus does not list SafeLambda: every integration
    assert set(source) <= set(OURS)


@needs_corpus
@pytest.mark.corpus
def test_corpus_w9411_finds_every_unqualified_integration_check_finds(
    seen: dict[str, Seen],
) -> None:
    compared = {name: s for name, s in seen.items() if s.checked is not None}
    differ = {
        name: (s.checked, places(s.source))
        for name, s in compared.items()
        if sorted(places(s.source)) != sorted(s.checked or [])
    }
    assert differ == {}
    assert len(compared) > 340, len(compared)


@needs_corpus
@pytest.mark.corpus
def test_corpus_processed_output_reports_only_what_safelambda_reports_itself(
    seen: dict[str, Seen],
) -> None:
    others = {n: s.output for n, s in seen.items() if any(h.rule != "W9411" for h in s.output)}
    assert others == {}
    unreported = {
        name: missing
        for name, s in seen.items()
        if (missing := [p for p in places(s.output) if not _within(p, s.reported)])
    }
    assert unreported == {}
    assert sum(len(s.output) for s in seen.values()) < 20  # a handful of templates, not a trend


def _within(place: str, reported: set[str]) -> bool:
    """`place` is a reported place or inside one (SL302 names the catalogued property)."""
    return any(place == r or place.startswith((f"{r}.", f"{r}[")) for r in reported)
