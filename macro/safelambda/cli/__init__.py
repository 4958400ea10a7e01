"""The `safelambda` command, the code that reads and writes template files (`offline.include`
reads the files a template includes): `main` is the entry, `parser` holds the options and help,
`commands` runs them, `files` reads and writes templates, `paths` re-points local paths for
`-o`, `logs` routes what other libraries log, `plan` and `check` shape their output."""

from .files import dump_template, load_template, parameter_values, parse_overrides, write
from .main import main

__all__ = ["dump_template", "load_template", "main", "parameter_values", "parse_overrides", "write"]
