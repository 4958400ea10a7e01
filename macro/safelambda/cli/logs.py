"""What other libraries log, through SafeLambda's own stderr rules.

aws-sam-translator and its dependencies log through Python's `logging` (for example "Feature
'normalized_open_api_version' not available in Feature Toggle Config.") and would reach stderr
through logging's last-resort handler, between SafeLambda's coded lines. While a command runs,
`routed` catches those records and Python warnings alike: with `-v` they are printed as
`library: message`; otherwise, and always under `-q`, they are dropped. The previous logging
state comes back afterwards, so a program calling `main()` keeps its own.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SILENT = logging.CRITICAL + 1


class _Stderr(logging.Handler):
    """One line per record on the stderr of the moment (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        library = record.name.split(".", 1)[0]
        lines = record.getMessage().splitlines() or [""]
        print(f"{library}: {lines[0]}", file=sys.stderr)


@contextmanager
def routed(*, verbose: bool) -> Iterator[None]:
    root = logging.getLogger()
    handler = _Stderr(logging.INFO if verbose else SILENT)
    level = root.level
    root.addHandler(handler)
    if verbose:
        root.setLevel(min(level, logging.INFO))
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.setLevel(level)
        root.removeHandler(handler)
