"""The `safelambda` command, the only code that reads and writes template files (besides
`offline.include`, which reads the files a template includes): `main` is the entry, `parser`
holds the options and help, `commands` runs them, `files` reads and writes templates, `paths`
re-points local paths for `-o`, `logs` routes what other libraries log, `plan` and `check` shape
their output. `check`'s checks run over a template and the local files it points to (`local`
reads them, `gate` checks them and applies `acknowledge`); `layers` lists the layer catalog."""

from .files import Given, dump_template, load_template, parameter_values, parse_overrides, write
from .main import main

__all__ = [
    "Given",
    "dump_template",
    "load_template",
    "main",
    "parameter_values",
    "parse_overrides",
    "write",
]
