"""Run the real cfn-lint with SafeLambda's rules appended, on files and on text."""

from __future__ import annotations

import functools
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
def _rules() -> Any:
    """cfn-lint's own rules and SafeLambda's, loaded the way `--append-rules FOLDER` loads them."""
    from cfnlint.core import get_rules

    return get_rules([FOLDER], [], ["W", "E", "I"])


def _hits(matches: Any, everything: bool = False) -> list[Hit]:
    return [
        Hit(m.rule.id, "/".join(str(p) for p in (m.path or ())), m.linenumber, m.message)
        for m in matches
        if everything or m.rule.id in OURS
    ]


def lint_path(path: Path, everything: bool = False, **config: Any) -> list[Hit]:
    """Every match of SafeLambda's rules (or of all rules) on the template file at `path`."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import run_template_by_file_path

    settings = ConfigMixIn([], regions=config.pop("regions", [REGION]), **config)
    return _hits(run_template_by_file_path(str(path), settings, _rules(), False), everything)


def lint_text(text: str, **config: Any) -> list[Hit]:
    """The same for a template given as text, as `cfn-lint -` reads stdin: there is no file."""
    from cfnlint.api import ManualArgs, lint

    return _hits(lint(text, rules=_rules(), config=ManualArgs(regions=[REGION], **config)))


def lint_file(tmp_path: Path, text: str, name: str = "template.yaml", **config: Any) -> list[Hit]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lint_path(path, **config)
