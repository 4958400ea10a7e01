"""Run the real cfn-lint with SafeLambda's rules appended, on files and on text."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, NamedTuple

from safelambda.cfnlint import FOLDER

OURS = ("W9411", "E9306", "E9206", "W9207", "W9401")
REGION = "us-east-1"


class Hit(NamedTuple):
    rule: str
    path: str  # cfn-lint's path, `/` between keys
    line: int
    message: str


@functools.cache
def _rules(alone: bool = False) -> Any:
    """cfn-lint's own rules and SafeLambda's, loaded the way `--append-rules FOLDER` loads them;
    with `alone`, SafeLambda's only (the corpus run: cfn-lint's own rules are most of its time)."""
    from cfnlint.core import get_rules
    from cfnlint.rules import RulesCollection

    if not alone:
        return get_rules([FOLDER], [], ["W", "E", "I"])
    rules = RulesCollection(include_rules=["W", "E", "I"])
    rules.create_from_directory(FOLDER)
    return rules


def _hits(matches: Any) -> list[Hit]:
    return [
        Hit(m.rule.id, "/".join(str(p) for p in (m.path or ())), m.linenumber, m.message)
        for m in matches
        if m.rule.id in OURS
    ]


def lint_path(path: Path, alone: bool = False, **config: Any) -> list[Hit]:
    """Every match of SafeLambda's rules on the template file at `path`."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import run_template_by_file_path

    settings = ConfigMixIn([], regions=config.pop("regions", [REGION]), **config)
    return _hits(run_template_by_file_path(str(path), settings, _rules(alone), False))


def lint_text(text: str, **config: Any) -> list[Hit]:
    """The same for a template given as text, as `cfn-lint -` reads stdin: there is no file."""
    from cfnlint.api import ManualArgs, lint

    return _hits(lint(text, rules=_rules(), config=ManualArgs(regions=[REGION], **config)))


def lint_file(tmp_path: Path, text: str, name: str = "template.yaml", **config: Any) -> list[Hit]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_path(path, **config)


def places(hits: list[Hit]) -> list[str]:
    """The Resource.Path each W9411 message names, as `safelambda check` prints it."""
    pattern = r"SL(?:411|302) (.+?)(?: \(which [^)]* makes\))?: invokes "
    named = (re.match(pattern, h.message) for h in hits)
    return [m.group(1) for m, h in zip(named, hits, strict=True) if m and h.rule == "W9411"]
